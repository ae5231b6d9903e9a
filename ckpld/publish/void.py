"""The VoID description of the dataset, computed from the store so its figures stay true."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox

from ckpld.config import Settings
from ckpld.errors import UpstreamError
from ckpld.publish.dumps import DATA_DUMPS
from ckpld.publish.metadata import Facts, Statistics, integer
from ckpld.rdf.namespaces import compact, node, prefixes
from ckpld.rdf.triples import Triples, bilingual, typed
from ckpld.store import Store

# Titles of the named graphs ckpld knows by name; other source graphs get a generic title.
GRAPH_TITLES = {
    "page": ("Fakty ze strony źródłowej", "Facts from the source page"),
    "enrichment": (
        "Wzbogacenia: identyfikatory, nazwy, tłumaczenia",
        "Enrichment: identifiers, names, translations",
    ),
    "vocabulary": ("Słownik ckpld i listy pojęć", "The ckpld vocabulary and code lists"),
}
METADATA = "metadata"  # the named graph of the VoID description
CATALOG = "catalog"  # the named graph of the DCAT catalogue


def dump_urls(settings: Settings) -> list[str]:
    """Where the dumps of the whole dataset are downloaded."""
    return [f"{settings.base_iri}dumps/{d.name(settings.dataset_id)}" for d in DATA_DUMPS]


def void_description(
    settings: Settings, found: Facts, version: str, modified: str, issued: str
) -> list[ox.Triple]:
    """The dataset as a `void:Dataset`: who, what licence, how big, which parts, where to get it.

    Args:
        settings: Titles, publisher, licence, base IRI.
        found: Counts over the data, its source pages and example resources.
        version: The dataset version (recorded as `owl:versionInfo`).
        modified: When the data last changed (ISO 8601).
        issued: When the dataset was first published (ISO 8601).
    """
    stats = found.statistics
    out = Triples()
    dataset = ox.NamedNode(settings.dataset_iri)
    base = settings.base_iri
    out.add(
        dataset,
        ("rdf:type", "void:Dataset"),
        *bilingual("dct:title", settings.title_pl, settings.title_en),
        *bilingual("rdfs:label", settings.title_pl, settings.title_en),
        *bilingual("dct:description", settings.description_pl, settings.description_en),
        ("dct:publisher", settings.publisher_iri),
        ("dct:license", settings.license),
        ("dct:modified", typed(modified, "xsd:dateTime")),
        ("dct:issued", typed(issued, "xsd:dateTime")),
        ("owl:versionInfo", ox.Literal(version)),
        ("foaf:homepage", base),
        ("void:uriSpace", ox.Literal(base + "id/")),
        ("void:sparqlEndpoint", base + "sparql"),
        ("void:rootResource", settings.publisher_iri),
        ("void:triples", integer(stats.triples)),
        ("void:entities", integer(stats.entities)),
        ("void:distinctSubjects", integer(stats.subjects)),
        ("void:distinctObjects", integer(stats.objects)),
        ("void:properties", integer(len(stats.properties))),
        ("void:classes", integer(len(stats.classes))),
    )
    for url in dump_urls(settings):
        out.add(dataset, ("void:dataDump", url))
    for dump in DATA_DUMPS:
        out.add(dataset, ("void:feature", dump.format.iri))
    for url in found.sources:
        out.add(dataset, ("dct:source", url))
    for vocabulary in vocabularies(stats):
        out.add(dataset, ("void:vocabulary", vocabulary))
    for example in found.examples:
        out.add(dataset, ("void:exampleResource", example))
    table = prefixes(base)
    for cls, count in stats.classes.items():
        part = out.add(
            _part(settings, "class", cls, table),
            ("void:class", cls),
            ("void:entities", integer(count)),
        )
        out.add(dataset, ("void:classPartition", part))
    for prop, count in stats.properties.items():
        part = out.add(
            _part(settings, "property", prop, table),
            ("void:property", prop),
            ("void:triples", integer(count)),
        )
        out.add(dataset, ("void:propertyPartition", part))
    for graph, count in stats.graphs.items():
        name = graph[len(base + "graph/") :]
        polish, english = GRAPH_TITLES.get(name, (f"Graf {name}", f"Graph {name}"))
        subset = out.add(
            graph,
            ("rdf:type", "void:Dataset"),
            *bilingual("dct:title", polish, english),
            ("void:triples", integer(count)),
            ("void:dataDump", f"{base}graph/{name}.ttl"),
        )
        out.add(dataset, ("void:subset", subset))
    return out.triples


def vocabularies(stats: Statistics) -> list[str]:
    """Namespaces of the classes and properties the data uses, sorted."""
    found = {_namespace(iri) for iri in (*stats.classes, *stats.properties)}
    return sorted(n for n in found if n)


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > len("https://") else ""


def _part(settings: Settings, kind: str, iri: str, table: dict[str, str]) -> str:
    """A readable, stable IRI for a class or property partition: `{dataset}#class-schema-Place`."""
    name = compact(iri, table)
    if name.startswith("<"):
        name = hashlib.sha256(iri.encode()).hexdigest()[:12]
    return f"{settings.dataset_iri}#{kind}-{name.replace(':', '-')}"


@dataclass(frozen=True)
class Described:
    """What a store's VoID graph says of the dataset it holds (see `read_void`)."""

    version: str
    modified: datetime
    graphs: tuple[str, ...]
    statistics: Statistics
    issued: datetime | None = None


def read_void(store: Store, settings: Settings) -> Described:
    """Read back the VoID description `ckpld load` put in a store: the dataset's version, date,
    graphs and figures, so a front needs neither the data files nor a count over the store.

    Raises:
        UpstreamError: the store holds no ckpld dataset with this base IRI and identifier.
    """
    meta = ox.NamedNode(settings.graph_iri(METADATA))
    dataset = ox.NamedNode(settings.dataset_iri)
    head = store.query(
        f"SELECT ?version ?modified ?issued ?triples ?subjects ?objects ?entities WHERE {{ "
        f"GRAPH {meta} {{ {dataset} {node('owl:versionInfo')} ?version ; "
        f"{node('dct:modified')} ?modified ; "
        f"{node('void:triples')} ?triples ; {node('void:distinctSubjects')} ?subjects ; "
        f"{node('void:distinctObjects')} ?objects ; {node('void:entities')} ?entities "
        f"OPTIONAL {{ {dataset} {node('dct:issued')} ?issued }} }} }} LIMIT 1"
    )
    if not head.rows:
        raise UpstreamError(
            f"the store holds no ckpld dataset {dataset.value} (no VoID description in "
            f"{meta.value}); load it with `ckpld load --into URL`"
        )
    version, modified, issued, *figures = head.rows[0]
    v = {
        name: node("void:" + name)
        for name in (
            *("subset", "triples", "classPartition", "class", "entities"),
            *("propertyPartition", "property"),
        )
    }
    pairs = {
        "graphs": f"{dataset} {v['subset']} ?x . ?x {v['triples']} ?n",
        "classes": f"{dataset} {v['classPartition']} ?p . ?p {v['class']} ?x ; {v['entities']} ?n",
        "properties": f"{dataset} {v['propertyPartition']} ?p . "
        f"?p {v['property']} ?x ; {v['triples']} ?n",
    }
    found: dict[str, dict[str, int]] = {}
    for name, pattern in pairs.items():
        order = "?x" if name == "graphs" else "DESC(?n) ?x"
        rows = store.query(
            f"SELECT ?x ?n WHERE {{ GRAPH {meta} {{ {pattern} }} }} ORDER BY {order}"
        ).rows
        found[name] = {_text(x): int(_text(n)) for x, n in rows}
    triples, subjects, objects, entities = (int(_text(f)) for f in figures)
    statistics = Statistics(
        triples=triples,
        graphs=found["graphs"],
        classes=found["classes"],
        properties=found["properties"],
        subjects=subjects,
        objects=objects,
        entities=entities,
        uri_space=settings.base_iri + "id/",
    )
    graphs = (*found["graphs"], meta.value, settings.graph_iri(CATALOG))
    stamp = datetime.fromisoformat(_text(modified))
    first = datetime.fromisoformat(_text(issued)) if issued is not None else None
    return Described(_text(version), stamp, graphs, statistics, first)


def _text(term: object) -> str:
    assert isinstance(term, ox.NamedNode | ox.Literal), term
    return term.value
