"""The DCAT-AP 3.0.1 catalogue: what open-data portals harvest, generated from data and settings.

Kept compatible with DCAT-AP 2.1 where that costs nothing (dane.gov.pl and data.europa.eu work
in 2.x): titles and descriptions in Polish and English, `dct:identifier` of at most 36
characters, a licence on every distribution, `dct:format` from the EU file-type table, dates as
`xsd:dateTime`, and every referenced code-list IRI typed and placed in its scheme (`skos:inScheme`)
so the shapes can check it without fetching anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ckpld.config import Settings
from ckpld.publish.dumps import DATA_DUMPS, GZIP, Dump, DumpFile
from ckpld.publish.metadata import Statistics, integer
from ckpld.publish.void import vocabularies
from ckpld.rdf.namespaces import STANDARD, node, term
from ckpld.rdf.triples import Pair, Triples, bilingual, text, typed
from ckpld.store import Store

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
GEONAMES = "https://sws.geonames.org/"


@dataclass(frozen=True)
class Licence:
    """A licence the EU licence table lists (data.europa.eu and dane.gov.pl map these).

    Attributes:
        code: Its code in the EU table.
        name: Its name without the version, as CKAN's default licence register titles it: CKAN
            (ckanext-dcat) recognises a licence by its IRI or by this title, and no register
            it ships has the EU IRIs.
        short: Its short name with the version (`CC BY 4.0`): what people write, and the value
            dane.gov.pl's feed chooses it by.
    """

    code: str
    name: str
    short: str


EU_LICENCES = {
    "https://creativecommons.org/licenses/by/4.0/": Licence(
        "CC_BY_4_0", "Creative Commons Attribution", "CC BY 4.0"
    ),
}
ACCESS_RIGHTS = ("PUBLIC", "dct:RightsStatement", "public")  # open data: no restriction
# The EU frequency table's English labels for the codes of the `update_frequency` setting.
FREQUENCY_LABELS = {
    "DAILY": "daily",
    "WEEKLY": "weekly",
    "MONTHLY": "monthly",
    "QUARTERLY": "quarterly",
    "ANNUAL_2": "semiannual",
    "ANNUAL": "annual",
    "IRREG": "irregular",
    "NEVER": "never",
    "UNKNOWN": "unknown",
}
# Languages of the data's text, as codes of the EU language table.
EU_LANGUAGES = {"pl": "POL", "en": "ENG"}
THEME = ("EDUC", "skos:Concept", "Education, culture and sport")  # culture is under EDUC
AVAILABILITY = ("STABLE", "skos:Concept", "Stable")  # the dump URLs do not change
# Properties whose values say when something happened: the dataset's time coverage.
EVENT_DATES = tuple(
    term(name)
    for name in (
        "schema:startDate",
        "schema:endDate",
        "dct:date",
        "time:inXSDgYear",
        "time:inXSDgYearMonth",
        "time:inXSDDate",
        "time:inXSDDateTime",
    )
)
# Titles of standards the dataset conforms to, by namespace or IRI.
STANDARD_TITLES = {
    STANDARD["schema"]: "Schema.org",
    STANDARD["org"]: "The Organization Ontology (W3C)",
    STANDARD["time"]: "Time Ontology in OWL (W3C)",
    STANDARD["prov"]: "PROV-O: The PROV Ontology (W3C)",
    STANDARD["dct"]: "DCMI Metadata Terms",
    STANDARD["skos"]: "SKOS Simple Knowledge Organization System (W3C)",
    STANDARD["oa"]: "Web Annotation Vocabulary (W3C)",
    STANDARD["rdf"]: "RDF 1.1 (W3C)",
    STANDARD["rdfs"]: "RDF Schema 1.1 (W3C)",
    STANDARD["owl"]: "OWL 2 Web Ontology Language (W3C)",
    STANDARD["foaf"]: "FOAF Vocabulary",
    STANDARD["void"]: "VoID Vocabulary of Interlinked Datasets",
    STANDARD["sd"]: "SPARQL 1.1 Service Description",
    STANDARD["vann"]: "VANN: a vocabulary for annotating vocabulary descriptions",
    STANDARD["sh"]: "SHACL Shapes Constraint Language (W3C)",
}
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
COOL_URIS = "https://www.w3.org/TR/cooluris/"  # thing IRIs answer 303 See Other to documents


@dataclass(frozen=True)
class Release:
    """What a catalogue describes besides the settings: one version of the data and its dumps.

    Attributes:
        version: The dataset version.
        modified: When the data last changed (ISO 8601 date and time).
        issued: When the dataset was first published (ISO 8601 date and time).
        files: The data dumps, in the order of `DATA_DUMPS`.
        dataset: The dataset described: empty for the living dataset (`settings.dataset_iri`);
            for an archived release, the IRI of that version (`version_iri`).
        downloads: The URL the files are under: empty for `/dumps/`.
        previous: An archived release's previous version (its IRI), if any.
        notes: An archived release's version notes, in Polish and English.
        versions: The living dataset's archived versions (IRIs), oldest first.
        current: The version the living dataset's data is (its IRI), when it is archived.
        described: The living dataset's archived versions as their catalogues describe them
            (each version dataset and its distributions), added as they are.
    """

    version: str
    modified: str
    issued: str
    files: Sequence[DumpFile]
    dataset: str = ""
    downloads: str = ""
    previous: str = ""
    notes: tuple[str, str] | None = None
    versions: tuple[str, ...] = ()
    current: str = ""
    described: tuple[ox.Triple, ...] = ()


def catalog_iri(settings: Settings) -> str:
    """IRI of the catalogue (also where it is served)."""
    return settings.base_iri + "catalog"


def version_iri(settings: Settings, name: str) -> str:
    """IRI of the dataset as it was in the release called `name` (a DCAT version of it)."""
    return f"{settings.dataset_iri}/{name}"


def catalogue(
    settings: Settings, stats: Statistics, store: Store, release: Release
) -> list[ox.Triple]:
    """The catalogue: one dataset, a distribution per dump, the SPARQL and Linked Data services.

    For the living dataset, its archived versions are linked (DCAT 3 versioning; their
    descriptions are the archived releases' own catalogues). For an archived release
    (`release.dataset` set), the dataset is that version: its own title, identifier and
    distributions (the archived files), its previous version and version notes; no services.
    """
    out = Triples()
    base = settings.base_iri
    catalog, dataset = catalog_iri(settings), release.dataset or settings.dataset_iri
    archived = bool(release.dataset)
    publisher = settings.publisher_iri
    names = agent_names(store, publisher)
    licence = _licence(out, settings.license)
    languages = _languages(out, store)
    spatial = _spatial(out, store)
    dates = (
        ("dct:issued", typed(release.issued, "xsd:dateTime")),
        ("dct:modified", typed(release.modified, "xsd:dateTime")),
    )
    out.add(
        catalog,
        ("rdf:type", "dcat:Catalog"),
        *bilingual(
            "dct:title",
            f"Otwarte dane: {names.get('pl', settings.title_pl)}",
            f"Open data: {names.get('en', settings.title_en)}",
        ),
        *bilingual(
            "dct:description",
            f"Zbiory danych publikowane przez ckpld. {_pl(names)}",
            f"Datasets published with ckpld. {_en(names)}",
        ),
        ("dct:publisher", publisher),
        ("foaf:homepage", _document(out, base)),
        ("dct:license", licence),
        ("dcat:themeTaxonomy", _scheme(out, "data-theme")),
        ("dcat:dataset", dataset),
        *dates,
        *(("dct:language", lang) for lang in languages),
        *(("dct:spatial", place) for place in spatial),
    )
    _publisher(out, publisher, names)
    contact = _contact(out, settings, dataset, names)
    theme = _concept(out, "data-theme", *THEME)
    out.add(
        dataset,
        ("rdf:type", "dcat:Dataset"),
        *_titles(settings, release, archived),
        *bilingual("dct:description", settings.description_pl, settings.description_en),
        *_keywords(settings),
        ("dct:identifier", ox.Literal(_identifier(settings, release, archived))),
        ("void:triples", integer(stats.triples)),  # the size: as in VoID, the dumps, SPARQL
        ("dcat:version", ox.Literal(release.version)),
        ("owl:versionInfo", ox.Literal(release.version)),  # the same, for DCAT-AP 2 readers
        *_versioning(out, settings, release, archived),
        ("dcat:theme", theme),
        ("dct:accessRights", _concept(out, "access-right", *ACCESS_RIGHTS)),
        ("dct:accrualPeriodicity", _frequency(out, settings.update_frequency)),
        ("dct:publisher", publisher),
        ("dct:creator", _creator(out, settings, store)),
        ("dcat:contactPoint", contact),
        ("dcat:landingPage", _document(out, base)),
        ("dct:provenance", _provenance(out, settings, dataset, store)),
        ("dct:temporal", _temporal(out, settings, dataset, store)),
        *dates,
        *(("dct:language", lang) for lang in languages),
        *(("dct:spatial", place) for place in spatial),
        *(("dct:conformsTo", s) for s in _standards(out, settings, stats)),
    )
    rights = _rights(out, settings, dataset, names)
    downloads = release.downloads or f"{base}dumps/"
    for dump, file in zip(DATA_DUMPS, release.files, strict=True):
        common = (*dates, ("dct:rights", rights))
        distribution = _distribution(out, settings, dataset, downloads, dump, file, common)
        out.add(dataset, ("dcat:distribution", distribution))
    if not archived:
        for service in _services(out, settings, theme, contact, licence):
            out.add(catalog, ("dcat:service", service))
    out.include(release.described)
    return out.triples


def _titles(settings: Settings, release: Release, archived: bool) -> list[Pair]:
    if not archived:
        return list(bilingual("dct:title", settings.title_pl, settings.title_en))
    return list(
        bilingual(
            "dct:title",
            f"{settings.title_pl} (wersja {release.version})",
            f"{settings.title_en} (version {release.version})",
        )
    )


def _identifier(settings: Settings, release: Release, archived: bool) -> str:
    return f"{settings.dataset_id}-{release.version}" if archived else settings.dataset_id


def _versioning(out: Triples, settings: Settings, release: Release, archived: bool) -> list[Pair]:
    """DCAT 3 versioning (with DCMI's terms beside, which DCAT-AP 2 readers know)."""
    if archived:
        living = settings.dataset_iri
        notes = bilingual("adms:versionNotes", *release.notes) if release.notes else []
        return [
            ("dcat:isVersionOf", living),
            ("dct:isVersionOf", living),
            ("dcat:previousVersion", release.previous or None),
            *notes,
        ]
    doi = None
    if settings.doi:  # all versions' DOI (a concept DOI): on the living dataset
        doi = out.add(
            settings.dataset_iri + "#doi",
            ("rdf:type", "adms:Identifier"),
            ("skos:notation", typed(f"https://doi.org/{settings.doi}", "xsd:anyURI")),
            ("adms:schemaAgency", text("DataCite", "en")),
        )
    return [
        ("adms:identifier", doi),
        *(("dcat:hasVersion", v) for v in release.versions),
        *(("dct:hasVersion", v) for v in release.versions),
        ("dcat:hasCurrentVersion", release.current or None),
    ]


def _keywords(settings: Settings) -> list[Pair]:
    tagged = [(k, "pl") for k in settings.keywords_pl] + [(k, "en") for k in settings.keywords_en]
    return [("dcat:keyword", text(keyword, language)) for keyword, language in tagged]


def agent_names(store: Store, agent: str) -> dict[str, str]:
    """An agent's names in the data (`schema:name`), by language (untagged ones left out)."""
    answer = store.query(
        f"SELECT ?name WHERE {{ {ox.NamedNode(agent)} {node('schema:name')} ?name }} ORDER BY ?name"
    )
    found: dict[str, str] = {}
    for (name,) in answer.rows:
        if isinstance(name, ox.Literal) and name.language:
            found.setdefault(name.language, name.value)
    return found


def _pl(names: dict[str, str]) -> str:
    return f"Wydawca: {names['pl']}." if "pl" in names else ""


def _en(names: dict[str, str]) -> str:
    return f"Publisher: {names.get('en', names.get('pl'))}." if names else ""


def _creator(out: Triples, settings: Settings, store: Store) -> ox.NamedNode | None:
    """Whoever compiled the dataset, when the settings say (an agent, named as the data does)."""
    if not settings.creator_iri:
        return None
    names = agent_names(store, settings.creator_iri)
    node = out.add(settings.creator_iri, ("rdf:type", "foaf:Agent"))
    for language, name in sorted(names.items()):
        out.add(node, ("foaf:name", text(name, language)))
    return node


def _publisher(out: Triples, publisher: str, names: dict[str, str]) -> None:
    out.add(publisher, ("rdf:type", "foaf:Agent"), ("rdf:type", "foaf:Organization"))
    for language, name in sorted(names.items()):
        out.add(publisher, ("foaf:name", text(name, language)))


def _contact(out: Triples, settings: Settings, dataset: str, names: dict[str, str]) -> ox.NamedNode:
    email = f"mailto:{settings.contact_email}" if settings.contact_email else None
    return out.add(
        dataset + "#contact",
        ("rdf:type", "vcard:Kind"),
        ("rdf:type", "vcard:Organization"),
        ("vcard:fn", ox.Literal(names.get("pl", settings.title_pl))),
        ("vcard:hasURL", settings.contact_url),
        ("vcard:hasEmail", email),
    )


def _licence(out: Triples, licence: str) -> ox.NamedNode:
    """The licence as a `dct:LicenseDocument`: the EU table's entry when it has one, titled
    with the name CKAN's licence register knows it by (one title: CKAN reads the first), the
    licence's own page as `rdfs:seeAlso`."""
    if licence in EU_LICENCES:
        known = EU_LICENCES[licence]
        node = _concept(out, "licence", known.code, "dct:LicenseDocument", known.name)
        out.add(node, ("rdfs:seeAlso", licence))
        return node
    return out.add(licence, ("rdf:type", "dct:LicenseDocument"))


def licence_short_name(licence: str) -> str:
    """The licence's short name (`CC BY 4.0`), or its IRI when the EU table does not list it."""
    return EU_LICENCES[licence].short if licence in EU_LICENCES else licence


def _rights(out: Triples, settings: Settings, dataset: str, names: dict[str, str]) -> ox.NamedNode:
    """What a reuser may do, in words: the licence and whom to credit."""
    short = licence_short_name(settings.license)
    pl = names.get("pl", settings.title_pl)
    en = names.get("en", pl)
    return out.add(
        dataset + "#rights",
        ("rdf:type", "dct:RightsStatement"),
        *bilingual(
            "rdfs:label",
            f"Dane można ponownie wykorzystywać na warunkach licencji {short} "
            f"({settings.license}), podając źródło: {pl}.",
            f"The data may be reused under the {short} licence ({settings.license}), "
            f"crediting the source: {en}.",
        ),
    )


def _languages(out: Triples, store: Store) -> list[ox.NamedNode]:
    answer = store.query(
        "SELECT DISTINCT (LANG(?o) AS ?l) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }"
    )
    tags = {row[0].value for row in answer.rows if isinstance(row[0], ox.Literal)}
    return [
        _concept(out, "language", code, "dct:LinguisticSystem")
        for tag, code in EU_LANGUAGES.items()
        if tag in tags
    ]


def _spatial(out: Triples, store: Store) -> list[ox.NamedNode]:
    """The countries of the data, by the identifiers the data links (each verified there): the
    EU country table's IRI, else GeoNames', else (no verified identifier) the data's own IRI."""
    answer = store.query(
        f"SELECT ?country (SAMPLE(?eu) AS ?code) (SAMPLE(?gn) AS ?geonames) WHERE {{ "
        f"?country a {node('schema:Country')} "
        f"OPTIONAL {{ ?country {node('skos:exactMatch')} ?eu "
        f'FILTER(STRSTARTS(STR(?eu), "{EU}country/")) }} '
        f"OPTIONAL {{ ?country {node('schema:sameAs')} ?gn "
        f'FILTER(STRSTARTS(STR(?gn), "{GEONAMES}")) }} }} GROUP BY ?country ORDER BY ?country'
    )
    places = []
    for country, code, geonames in answer.rows:
        if isinstance(code, ox.NamedNode):
            places.append(
                _concept(out, "country", code.value.rsplit("/", 1)[-1], "dct:Location", None)
            )
        elif isinstance(geonames, ox.NamedNode):
            places.append(out.add(geonames, ("rdf:type", "dct:Location")))
        elif isinstance(country, ox.NamedNode):
            places.append(out.add(country, ("rdf:type", "dct:Location")))
    return places


def _temporal(out: Triples, settings: Settings, dataset: str, store: Store) -> ox.NamedNode | None:
    """The years the data's events fall in, at year precision (`xsd:gYear`)."""
    properties = " ".join(f"<{p}>" for p in EVENT_DATES)
    answer = store.query(
        f"SELECT DISTINCT ?date WHERE {{ VALUES ?p {{ {properties} }} ?s ?p ?date }}"
    )
    years = sorted(
        row[0].value[:4]
        for row in answer.rows
        if isinstance(row[0], ox.Literal) and row[0].value[:4].isdigit()
    )
    if not years:
        return None
    return out.add(
        dataset + "#period",
        ("rdf:type", "dct:PeriodOfTime"),
        ("dcat:startDate", typed(years[0], "xsd:gYear")),
        ("dcat:endDate", typed(years[-1], "xsd:gYear")),
    )


def _provenance(out: Triples, settings: Settings, dataset: str, store: Store) -> ox.NamedNode:
    pages = [
        row[0].value
        for row in store.query(
            f"SELECT DISTINCT ?url WHERE {{ ?page a {node('schema:WebPage')} ; "
            f"{node('schema:url')} ?url }} "
            "ORDER BY ?url"
        ).rows
        if isinstance(row[0], ox.NamedNode)
    ]
    listed = ", ".join(pages)
    statement = out.add(
        dataset + "#provenance",
        ("rdf:type", "dct:ProvenanceStatement"),
        (
            "rdfs:label",
            text(
                f"Fakty spisane ze strony {listed}. Każde stwierdzenie wskazuje przez PROV-O "
                "cytat ze strony albo opisane źródło wzbogacenia; nic nie jest dopisane.",
                "pl",
            ),
        ),
        (
            "rdfs:label",
            text(
                f"Facts taken from the page {listed}. Every statement points, with PROV-O, at "
                "the words it was taken from or at the documented source of an enrichment; "
                "nothing is added.",
                "en",
            ),
        ),
    )
    for page in pages:
        out.add(statement, ("rdfs:seeAlso", _document(out, page)))
    return statement


def _standards(out: Triples, settings: Settings, stats: Statistics) -> list[ox.NamedNode]:
    """The vocabularies the data uses, and the SHACL shapes it validates against."""
    found = []
    for namespace in vocabularies(stats):
        titles: tuple[Pair, ...] = ()
        if namespace.startswith(settings.base_iri):
            titles = (*bilingual("dct:title", "Słownik ckpld", "The ckpld vocabulary"),)
        elif namespace in STANDARD_TITLES:
            titles = (("dct:title", text(STANDARD_TITLES[namespace], "en")),)
        found.append(out.add(namespace, ("rdf:type", "dct:Standard"), *titles))
    found.append(
        out.add(
            settings.base_iri + "def/shapes",
            ("rdf:type", "dct:Standard"),
            *bilingual(
                "dct:title",
                "Kształty SHACL, z którymi dane są zgodne",
                "SHACL shapes the data conforms to",
            ),
        )
    )
    return found


def _distribution(
    out: Triples,
    settings: Settings,
    dataset: str,
    downloads: str,
    dump: Dump,
    file: DumpFile,
    common: tuple[Pair, ...],
) -> ox.NamedNode:
    iri = f"{dataset}/distribution/{dump.suffix.replace('.', '-')}"
    url = f"{downloads}{file.name}"
    label = dump.format.name
    label = {"turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples"}.get(
        label, {"trig": "TriG", "nquads": "N-Quads"}.get(label, label)
    )
    packed_pl, packed_en = (" (gzip)", " (gzip)") if dump.gzip else ("", "")
    graphs_pl = ", z grafami nazwanymi" if dump.format.kind.name == "DATASET" else ""
    graphs_en = ", named graphs kept" if dump.format.kind.name == "DATASET" else ""
    algorithm = out.add("spdx:checksumAlgorithm_sha256", ("rdf:type", "spdx:ChecksumAlgorithm"))
    checksum = out.add(
        iri + "#checksum",
        ("rdf:type", "spdx:Checksum"),
        ("spdx:algorithm", algorithm),
        ("spdx:checksumValue", typed(file.sha256, "xsd:hexBinary")),
    )
    return out.add(
        iri,
        ("rdf:type", "dcat:Distribution"),
        *bilingual(
            "dct:title", f"Cały zbiór: {label}{packed_pl}", f"Whole dataset: {label}{packed_en}"
        ),
        *bilingual(
            "dct:description",
            f"Zrzut całego zbioru w formacie {label}{graphs_pl}.",
            f"Dump of the whole dataset as {label}{graphs_en}.",
        ),
        ("dcat:accessURL", url),
        ("dcat:downloadURL", url),
        ("dcat:mediaType", _media_type(out, dump.format.media_type)),
        ("dcat:compressFormat", _media_type(out, GZIP) if dump.gzip else None),
        ("dct:format", _concept(out, "file-type", dump.format.file_type, "dct:MediaTypeOrExtent")),
        ("dcat:byteSize", typed(file.size, "xsd:nonNegativeInteger")),
        ("spdx:checksum", checksum),
        ("dct:license", _licence(out, settings.license)),
        ("dcatap:availability", _concept(out, "planned-availability", *AVAILABILITY)),
        *common,
    )


def _services(
    out: Triples,
    settings: Settings,
    theme: ox.NamedNode,
    contact: ox.NamedNode,
    licence: ox.NamedNode,
) -> list[ox.NamedNode]:
    base = settings.base_iri
    common: tuple[Pair, ...] = (
        ("dcat:servesDataset", settings.dataset_iri),
        ("dct:publisher", settings.publisher_iri),
        ("dcat:contactPoint", contact),
        ("dcat:theme", theme),
        ("dct:license", licence),
        *_keywords(settings),
    )
    protocol = out.add(
        SPARQL_PROTOCOL,
        ("rdf:type", "dct:Standard"),
        ("dct:title", text("SPARQL 1.1 Protocol (W3C)", "en")),
    )
    cool_uris = out.add(
        COOL_URIS,
        ("rdf:type", "dct:Standard"),
        ("dct:title", text("Cool URIs for the Semantic Web (W3C Interest Group Note)", "en")),
    )
    sparql = out.add(
        # not ending in /sparql: Comunica takes any such URL for an endpoint and POSTs queries
        base + "id/service/sparql-endpoint",
        ("rdf:type", "dcat:DataService"),
        *bilingual(
            "dct:title",
            f"Punkt dostępowy SPARQL: {settings.title_pl}",
            f"SPARQL endpoint: {settings.title_en}",
        ),
        (
            "dct:description",
            text("Zapytania SPARQL 1.1 (GET i POST) o cały zbiór, tylko do odczytu.", "pl"),
        ),
        ("dct:description", text("Read-only SPARQL 1.1 queries (GET and POST).", "en")),
        ("dcat:endpointURL", base + "sparql"),
        ("dcat:endpointDescription", base + "sparql"),  # GET without a query: the SD
        ("dct:conformsTo", protocol),
        *common,
    )
    linked_data = out.add(
        base + "id/service/linked-data",
        ("rdf:type", "dcat:DataService"),
        *bilingual(
            "dct:title", f"Linked Data: {settings.title_pl}", f"Linked Data: {settings.title_en}"
        ),
        (
            "dct:description",
            text(
                "Każdy identyfikator z przestrzeni {base}id/ zwraca opis rzeczy (Turtle, "
                "JSON-LD, RDF/XML, N-Triples, HTML) według negocjacji treści.".replace(
                    "{base}", base
                ),
                "pl",
            ),
        ),
        (
            "dct:description",
            text(
                f"Every IRI under {base}id/ dereferences to a description of the thing (Turtle, "
                "JSON-LD, RDF/XML, N-Triples, HTML) by content negotiation.",
                "en",
            ),
        ),
        ("dcat:endpointURL", base),
        ("dcat:endpointDescription", base + ".well-known/void"),
        ("dct:conformsTo", cool_uris),
        *common,
    )
    return [sparql, linked_data]


def _concept(
    out: Triples, table: str, code: str, kind: str, label: str | None = None
) -> ox.NamedNode:
    """An entry of an EU Publications Office table, typed with the class DCAT-AP expects for it
    and placed in its table (`skos:inScheme`), so shapes can check it without fetching it.

    Entries typed `skos:Concept` (DCAT-AP demands it for themes) carry their English label.
    """
    concept = kind == "skos:Concept"
    assert label or not concept, "a skos:Concept needs its label"
    return out.add(
        f"{EU}{table}/{code}",
        ("rdf:type", kind),
        ("skos:inScheme", _scheme(out, table) if concept else EU + table),
        ("skos:prefLabel" if concept else "dct:title", text(label, "en") if label else None),
    )


def _frequency(out: Triples, code: str) -> ox.NamedNode:
    return _concept(out, "frequency", code, "dct:Frequency", FREQUENCY_LABELS[code])


def _scheme(out: Triples, table: str) -> ox.NamedNode:
    """A table as a `skos:ConceptScheme`, titled in ckpld's words (not the table's own)."""
    return out.add(
        EU + table,
        ("rdf:type", "skos:ConceptScheme"),
        *bilingual(
            "dct:title",
            f"Tabela UE „{table}” (Urząd Publikacji)",
            f"EU table '{table}' (Publications Office)",
        ),
    )


def _media_type(out: Triples, media_type: str) -> ox.NamedNode:
    return out.add(IANA + media_type, ("rdf:type", "dct:MediaType"))


def _document(out: Triples, url: str) -> ox.NamedNode:
    return out.add(url, ("rdf:type", "foaf:Document"))
