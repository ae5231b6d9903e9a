"""The published dataset: loaded, validated and indexed once per data version, with its caches."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from ckpld.config import Settings
from ckpld.errors import DataInvalidError
from ckpld.lru import LRU, weight
from ckpld.model.sources import Dataset, SourceFile, all_files, read_shapes
from ckpld.model.validation import known_valid, remember_valid, validate, verdict_key
from ckpld.publish import record as releases
from ckpld.publish.archive import Releases, described
from ckpld.publish.archive import releases as archived_releases
from ckpld.publish.catalog import Release, version_iri
from ckpld.publish.cookbook import Recipe, read_cookbook
from ckpld.publish.dumps import Manifest, current
from ckpld.publish.metadata import Statistics, owned, remembered_facts, sizes, with_graph
from ckpld.publish.record import Named
from ckpld.publish.release import CATALOG_GRAPH, METADATA_GRAPH, Edition, ensure, living
from ckpld.publish.void import read_void, void_description
from ckpld.rdf.namespaces import prefixes
from ckpld.rdf.triples import date_time
from ckpld.store import Store, sandbox
from ckpld.store.bulk import Bulk
from ckpld.store.disk import DiskStore
from ckpld.store.documents import graph_quads, internal_query
from ckpld.store.isolation import Pool
from ckpld.store.local import LocalStore
from ckpld.store.remote import RemoteStore

CONTEXT_FILE = "jsonld-context.json"
LABELS_FILE = Path(__file__).with_name("labels.ttl")


@dataclass
class Publication:
    """What the server publishes, fixed for one data version.

    Attributes:
        settings: The settings it was built with.
        store: The data (all named graphs, plus the metadata graph): embedded or remote.
        version: SHA-256 of the data's canonical N-Quads: changes exactly when the data does
            (in front of a remote store: the first 16 hex digits, read from its VoID graph);
            see `ckpld.store.bulk.Bulk.digest`.
        modified: When the data last changed (UTC).
        issued: When the dataset was first published (UTC; setting `issued`, else the release
            record's first date, else `modified`).
        statistics: Counts over the data (before the metadata graph was added).
        queryable: Sizes of what SPARQL sees: the data, its VoID and (once released) catalogue.
        prefixes: Prefixes for output.
        context: The JSON-LD context object (prefixes plus the term table).
        owned: For each IRI, the hash IRIs it owns (`{iri}#part`).
        shapes: The SHACL shapes, published as the document `{base}def/shapes`.
        labels: Labels of properties and classes for pages, by IRI then language.
        cookbook: The cookbook's queries, by name.
        manifest: The release (dumps) served under /dumps/, once `release()` has run.
        catalogue: The DCAT catalogue describing it, exactly as generated (the store holds a
            copy for SPARQL, but Oxigraph stores `xsd:nonNegativeInteger` as `xsd:integer`).
        releases: The release record and what the archive holds, as `release()` found them.
        past: The release this publication is, when it is a past one (`ckpld.publish.past`).
        cache: Rendered responses, per worker.
    """

    settings: Settings
    store: Store
    version: str
    modified: datetime
    issued: datetime
    statistics: Statistics
    queryable: Statistics
    prefixes: dict[str, str]
    context: dict[str, Any]
    owned: dict[str, list[str]]
    shapes: list[ox.Quad]
    labels: dict[str, dict[str, str]]
    cookbook: dict[str, Recipe]
    manifest: Manifest | None = None
    catalogue: tuple[ox.Triple, ...] = ()
    releases: Releases = field(default_factory=lambda: Releases((), frozenset()))
    past: Named | None = None
    cache: LRU[Any] = field(repr=False, default_factory=lambda: LRU(0))

    @property
    def version_id(self) -> str:
        """The dataset version as published (dumps, catalogue, VoID): 16 hex digits."""
        return self.version[:16]

    @property
    def etag_base(self) -> str:
        """The part of every ETag that changes with the data (and with ckpld itself)."""
        from ckpld import __version__

        return f"{self.version_id}-{__version__}"

    def edition(self) -> Edition:
        """What a release of this publication is made from."""
        return Edition(
            self.settings,
            self.store,
            self.version_id,
            self.modified,
            self.issued,
            self.statistics,
            tuple(self.statistics.graphs),
            self.prefixes,
        )

    def living(self) -> Release:
        """What the living dataset's catalogue describes: this data and its dumps, and every
        archived release as a version of the dataset (read from the archive now)."""
        self.releases = known = archived_releases(self.settings)
        newest = known.current(self.version_id)
        return living(
            self.edition(),
            known.versions(self.settings),
            (newest.name, version_iri(self.settings, newest.name)) if newest else None,
            described(self.settings, known),
        )

    def release(self) -> Manifest:
        """Make sure the dumps of this version exist (build them if not) and publish the
        catalogue that describes them and the archived releases (named graph `catalog`, also in
        the SPARQL store).

        Raises:
            OutputError: the dumps folder cannot be written.
            SourceError: an archived release's catalogue cannot be read.
        """
        manifest, catalogue = ensure(self.edition(), self.living())
        if isinstance(self.store, LocalStore):  # a remote store got it from `ckpld load`
            name = self.settings.graph_iri(CATALOG_GRAPH)
            self.queryable = with_graph(self.queryable, name, catalogue)
            graph = ox.NamedNode(name)
            self.store.add([ox.Quad(t.subject, t.predicate, t.object, graph) for t in catalogue])
            self.owned = _merged(self.owned, owned_by_hash(t.subject for t in catalogue))
        self.manifest = manifest
        self.catalogue = tuple(catalogue)
        return manifest


def publish(settings: Settings, *, record: bool = False) -> Publication:
    """Load, validate (unless told not to) and index the data (the dumps: `Publication.release`).

    Args:
        settings: What to publish.
        record: Add the data version to the release record (`ckpld.publish.record`) when it is
            new there, once the data is valid (`ckpld build` and `ckpld load` do).

    Raises:
        DataInvalidError: the data does not conform; the message is the validation report.
        SourceError, DataSyntaxError: a file is missing or does not parse.
        UpstreamError: the remote store cannot be read, or holds no ckpld dataset.
        SandboxError: query processes cannot be kept off the network here (and the settings
            ask for it).
        OutputError: the release record cannot be written.
    """
    if settings.store == "remote":
        return _publish_remote(settings)
    if settings.query_sandbox:  # queries must not reach the network: prove that they cannot
        sandbox.check(supervised=bool(settings.service_allowlist))
    files = all_files(settings)
    shapes = read_shapes(settings)
    store: LocalStore
    pool = Pool(
        settings.query_processes,
        settings.query_queue,
        settings.query_sandbox,
        settings.service_allowlist,
    )
    if settings.store == "disk":  # parsed once per set of files, shared by the workers
        store = DiskStore.prepare(settings.base_iri, settings.store_path, files, pool)
        version = store.version
    else:
        store = LocalStore(settings.base_iri, pool=pool)
        store.load(files)  # Oxigraph's parser straight into the store: no Python object each
        version = Bulk.read(store, data_graphs(store), {}).digest
    if settings.validate_on_start:
        # Unchanged data, shapes and rules conformed before: no need to validate again.
        key = verdict_key(version, settings.shapes)
        if not known_valid(settings.cache_dir, key):
            bulk = Bulk.read(store, data_graphs(store), {})
            quads = tuple(ox.parse(bulk.nquads, format=ox.RdfFormat.N_QUADS))
            report = validate(Dataset(settings, tuple(files), quads), shapes)
            if not report.conforms:
                raise DataInvalidError(report.text(prefixes(settings.base_iri)))
            remember_valid(settings.cache_dir, key)
    found = remembered_facts(store, settings.base_iri + "id/", settings.cache_dir, version)
    if record:
        releases.add(settings.data_dir / releases.RECORD_FILE, version)
    issued, modified = _dates(settings, files, version)
    name = settings.graph_iri(METADATA_GRAPH)
    description = void_description(
        settings, found, version[:16], date_time(modified), date_time(issued)
    )
    store.default_graphs = tuple(found.statistics.graphs)  # the data; VoID and DCAT named only
    queryable = with_graph(found.statistics, name, description)
    graph = ox.NamedNode(name)
    store.add([ox.Quad(t.subject, t.predicate, t.object, graph) for t in description])
    return Publication(
        settings=settings,
        store=store,
        version=version,
        modified=modified,
        issued=issued,
        statistics=found.statistics,
        queryable=queryable,
        prefixes=prefixes(settings.base_iri),
        context=_context(settings),
        owned=_merged(found.owned, owned_by_hash(t.subject for t in description)),
        shapes=_shape_quads(settings, shapes),
        labels=_labels(graph_quads(store, settings.graph_iri("vocabulary"))),
        cookbook=read_cookbook(settings.queries_dir, settings.base_iri),
        cache=LRU(settings.cache_entries, settings.cache_bytes, weight),
    )


def _publish_remote(settings: Settings) -> Publication:
    """A publication in front of a remote store loaded by `ckpld load`: what the data is (its
    version, date, figures, graphs) is read from the store's VoID graph; nothing is validated
    here (`ckpld load` loads only data that conforms)."""
    pool = Pool(settings.query_processes, settings.query_queue)
    store = RemoteStore(settings.store_url, settings.base_iri, pool=pool)
    found = read_void(store, settings)
    store.graphs = found.graphs
    store.default_graphs = tuple(found.statistics.graphs)  # the data; VoID and DCAT named only
    vocabulary = settings.graph_iri("vocabulary")
    return Publication(
        settings=settings,
        store=store,
        version=found.version,
        modified=_moment(settings.modified) if settings.modified else found.modified,
        issued=_moment(settings.issued) if settings.issued else (found.issued or found.modified),
        statistics=found.statistics,
        queryable=sizes(store),
        prefixes=prefixes(settings.base_iri),
        context=_context(settings),
        owned=owned(store),
        shapes=_shape_quads(settings, read_shapes(settings)),
        labels=_labels(graph_quads(store, vocabulary)),
        cookbook=read_cookbook(settings.queries_dir, settings.base_iri),
        cache=LRU(settings.cache_entries, settings.cache_bytes, weight),
    )


def _shape_quads(settings: Settings, shapes: rdflib.Graph) -> list[ox.Quad]:
    graph = ox.NamedNode(settings.graph_iri("shapes"))
    triples = ox.parse(
        shapes.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES
    )
    return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in triples]


def data_graphs(store: Store) -> list[str]:
    """The named graphs that hold statements."""
    answer = internal_query(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return sorted(row[0].value for row in answer.rows if isinstance(row[0], ox.NamedNode))


def _dates(settings: Settings, files: list[SourceFile], version: str) -> tuple[datetime, datetime]:
    """(issued, modified): each its setting if set; else from the release record; else, for a
    version not recorded (data edited since the last `ckpld build`), the first recorded date
    and `_unrecorded` (or that same time when nothing is recorded)."""
    entries = releases.read(settings.data_dir / releases.RECORD_FILE)
    recorded = releases.dates(entries, version)
    if recorded is None:
        modified = _unrecorded(settings, files, version)
        issued = entries[0].date if entries else modified
    else:
        issued, modified = recorded
    return (
        _moment(settings.issued) if settings.issued else issued,
        _moment(settings.modified) if settings.modified else modified,
    )


def _unrecorded(settings: Settings, files: list[SourceFile], version: str) -> datetime:
    """For data the release record does not know: the time the current dumps were built from
    it, if they were; else the newest data file's time."""
    released = current(settings.dumps_dir)
    if released is not None and released.version == version[:16]:
        return _moment(released.modified)
    newest = max(f.path.stat().st_mtime for f in files)
    return datetime.fromtimestamp(int(newest), tz=UTC)


def _moment(value: str) -> datetime:
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _context(settings: Settings) -> dict[str, Any]:
    path = settings.ontology_dir / CONTEXT_FILE
    terms = json.loads(path.read_text(encoding="utf-8"))["@context"]
    return {**prefixes(settings.base_iri), **terms}


def owned_by_hash(subjects: Iterable[object]) -> dict[str, list[str]]:
    """For each IRI, the hash IRIs (`{iri}#part`) among `subjects`."""
    found: dict[str, set[str]] = {}
    for subject in subjects:
        if isinstance(subject, ox.NamedNode) and "#" in subject.value:
            owner, _, part = subject.value.partition("#")
            if part:
                found.setdefault(owner, set()).add(subject.value)
    return {owner: sorted(parts) for owner, parts in found.items()}


def _merged(*tables: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, set[str]] = {}
    for table in tables:
        for owner, parts in table.items():
            merged.setdefault(owner, set()).update(parts)
    return {owner: sorted(parts) for owner, parts in merged.items()}


def _labels(vocabulary: Iterable[ox.Quad]) -> dict[str, dict[str, str]]:
    """Labels of properties and classes: ckpld's interface labels, then the vocabulary's."""
    graph = rdflib.Graph().parse(LABELS_FILE, format="turtle")
    found: dict[str, dict[str, str]] = {}
    for s, _, o in graph.triples((None, rdflib.RDFS.label, None)):
        if isinstance(o, rdflib.Literal) and o.language:
            found.setdefault(str(s), {})[o.language] = str(o)
    for q in vocabulary:
        if (
            q.predicate.value == str(rdflib.RDFS.label)
            and isinstance(q.subject, ox.NamedNode)
            and isinstance(q.object, ox.Literal)
            and q.object.language
        ):
            found.setdefault(q.subject.value, {})[q.object.language] = q.object.value
    return found
