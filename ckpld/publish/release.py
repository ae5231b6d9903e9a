"""A release: the dumps of one data version, with its DCAT catalogue, VoID and checksums.

`build` always writes a new release; `ensure` (the server's start-up) reuses the current one when
nothing that goes into its files has changed, and builds otherwise. The same data, settings and
ckpld version give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from ckpld import __version__
from ckpld.config import Settings
from ckpld.publish.catalog import Release, catalog_iri, catalogue
from ckpld.publish.dumps import (
    CATALOG_FILE,
    DATA_DUMPS,
    OTHER_MEDIA_TYPES,
    SUMS_FILE,
    VOID_FILE,
    DumpFile,
    Manifest,
    checksums,
    current,
    write,
)
from ckpld.publish.metadata import Statistics
from ckpld.publish.void import CATALOG, METADATA
from ckpld.rdf.formats import named
from ckpld.rdf.triples import date_time
from ckpld.store import Store
from ckpld.store.bulk import Bulk, render_all
from ckpld.store.documents import graph_quads, render
from ckpld.store.remembered import Remembered

CATALOG_GRAPH = CATALOG
METADATA_GRAPH = METADATA
# Settings whose values go into the files of a release (paths and server tuning do not).
OUTPUT_SETTINGS = (
    "base_iri",
    "dataset_id",
    "title_pl",
    "title_en",
    "description_pl",
    "description_en",
    "keywords_pl",
    "keywords_en",
    "publisher",
    "creator",
    "license",
    "contact_url",
    "contact_email",
    "update_frequency",
    "doi",
)


@dataclass(frozen=True)
class Built:
    """A release in memory: its manifest, its files and its catalogue statements."""

    manifest: Manifest
    files: dict[str, bytes]
    catalogue: list[ox.Triple]


def dataset_quads(store: Store) -> list[ox.Quad]:
    """The whole dataset: its data graphs (the store's default graph), each statement in its
    graph; not the VoID description and the catalogue, which describe it."""
    if not store.default_graphs:
        return graph_quads(store)
    return [q for g in store.default_graphs for q in graph_quads(store, g)]


@dataclass(frozen=True)
class Edition:
    """What a release is made from: one data version, its store, figures and dates.

    Attributes:
        settings: The settings (those in OUTPUT_SETTINGS go into the files).
        store: The data and its metadata graph.
        version_id: The data version (16 hex digits).
        modified: When the data last changed; issued: when it was first published.
        statistics: Counts over the data.
        graphs: The graphs a dump holds: the data's.
        prefixes: Prefixes for the files.
    """

    settings: Settings
    store: Store
    version_id: str
    modified: datetime
    issued: datetime
    statistics: Statistics
    graphs: tuple[str, ...]
    prefixes: dict[str, str]


def living(
    edition: Edition,
    versions: tuple[str, ...] = (),
    current: tuple[str, str] | None = None,
    described: tuple[ox.Triple, ...] = (),
) -> Release:
    """What the catalogue of the living dataset describes: `edition`'s data version, its dumps
    under /dumps/, and the archived versions (IRIs, oldest first, and their own descriptions).

    Args:
        edition: The current data.
        versions: The archived versions' IRIs.
        current: (name, IRI) of the archived release the data is, if it is one: its name is then
            the dataset's version (else the data version, 16 hex digits).
        described: What the archived versions' catalogues say about them.
    """
    return Release(
        current[0] if current else edition.version_id,
        date_time(edition.modified),
        date_time(edition.issued),
        (),
        versions=versions,
        current=current[1] if current else "",
        described=described,
    )


def key(edition: Edition, release: Release | None = None, extra: Mapping[str, bytes] = {}) -> str:
    """Changes exactly when a release's files would: data, output settings, ckpld itself, what
    the catalogue describes (`release`, the living dataset when None), and the `extra` files."""
    values = {name: getattr(edition.settings, name) for name in OUTPUT_SETTINGS}
    described = release or living(edition)
    document = {
        "version": edition.version_id,
        "ckpld": __version__,
        "modified": edition.modified.isoformat(),
        "issued": edition.issued.isoformat(),
        "settings": values,
        "release": repr(replace(described, files=())),
        "extra": {name: hashlib.sha256(body).hexdigest() for name, body in sorted(extra.items())},
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def make(
    edition: Edition, release: Release | None = None, extra: Mapping[str, bytes] = {}
) -> Built:
    """Render every file of the release for `edition` (nothing is written): the dumps, the
    catalogue describing `release` (default: the living dataset), VoID, the `extra` files and
    the checksums of them all."""
    release = release or living(edition)
    settings = edition.settings
    bulk = Bulk.read(edition.store, list(edition.graphs), edition.prefixes)
    files: dict[str, bytes] = {}
    described: list[DumpFile] = []
    bodies = render_all(bulk, [(dump.format, dump.gzip) for dump in DATA_DUMPS])
    for dump, body in zip(DATA_DUMPS, bodies, strict=True):
        name = dump.name(settings.dataset_id)
        files[name] = body
        described.append(DumpFile.of(name, dump.media_type, body))
    triples = catalogue(
        settings, edition.statistics, _remembered(edition), replace(release, files=described)
    )
    turtle = named("turtle")
    files[CATALOG_FILE] = render(
        _as_quads(triples, catalog_iri(settings)), turtle, edition.prefixes
    )
    void = graph_quads(edition.store, settings.graph_iri(METADATA_GRAPH))
    files[VOID_FILE] = render(void, turtle, edition.prefixes)
    files.update(extra)
    described = [
        *described,
        *(DumpFile.of(n, media_type(n), files[n]) for n in (CATALOG_FILE, VOID_FILE, *extra)),
    ]
    files[SUMS_FILE] = checksums(described)
    listed = (*described, DumpFile.of(SUMS_FILE, media_type(SUMS_FILE), files[SUMS_FILE]))
    release_key = key(edition, release, extra)
    manifest = Manifest(edition.version_id, release_key, edition.modified.isoformat(), listed)
    return Built(manifest, files, triples)


def build(edition: Edition, out: Path, release: Release | None = None) -> Manifest:
    """Write a new release of `edition` (its catalogue describing `release`, by default the
    living dataset) into `out` and make it current.

    Raises:
        OutputError: `out` cannot be written; the previous release stays current.
    """
    built = make(edition, release)
    return write(out, built.files, built.manifest)


def ensure(edition: Edition, release: Release | None = None) -> tuple[Manifest, list[ox.Triple]]:
    """The current release in the dumps folder, built first if missing or out of date.

    Returns:
        The release's manifest and the catalogue statements describing it (`release`, by
        default the living dataset).
    """
    release = release or living(edition)
    out = edition.settings.dumps_dir
    found = current(out)
    if found is not None and found.key == key(edition, release):
        data = [f for f in found.files if f.name in _data_names(edition)]
        if len(data) == len(DATA_DUMPS):
            ordered = sorted(data, key=lambda f: _data_names(edition).index(f.name))
            triples = catalogue(
                edition.settings,
                edition.statistics,
                _remembered(edition),
                replace(release, files=ordered),
            )
            return found, triples
    built = make(edition, release)
    return write(out, built.files, built.manifest), built.catalogue


def _remembered(edition: Edition) -> Remembered:
    """The store, with the catalogue's scans over the data remembered for this release key."""
    return Remembered(edition.store, edition.settings.cache_dir / "answers", key(edition))


def _data_names(edition: Edition) -> list[str]:
    return [d.name(edition.settings.dataset_id) for d in DATA_DUMPS]


def media_type(name: str) -> str:
    """The media type of a release's file called `name`."""
    for dump in DATA_DUMPS:
        if name.endswith("." + dump.suffix):
            return dump.media_type
    return OTHER_MEDIA_TYPES[name]


def _as_quads(triples: list[ox.Triple], graph: str) -> list[ox.Quad]:
    name = ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
