"""A release: the dumps of one data version, with its DCAT catalogue, VoID and checksums.

`build` always writes a new release; `ensure` (the server's start-up) reuses the current one when
nothing that goes into its files has changed, and builds otherwise. The same data, settings and
ckpld version give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ckpld import __version__
from ckpld.bulk import Bulk, render_all
from ckpld.catalog import Release, catalog_iri, catalogue
from ckpld.config import Settings
from ckpld.documents import graph_quads, render
from ckpld.dumps import (
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
from ckpld.formats import named
from ckpld.store import Store
from ckpld.store.remembered import Remembered
from ckpld.triples import date_time
from ckpld.void import CATALOG, METADATA

if TYPE_CHECKING:
    from ckpld.publication import Publication

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
    "license",
    "contact_url",
    "contact_email",
)


@dataclass(frozen=True)
class Built:
    """A release in memory: its manifest, its files and its catalogue statements."""

    manifest: Manifest
    files: dict[str, bytes]
    catalogue: list[ox.Triple]


def dataset_quads(store: Store, settings: Settings) -> list[ox.Quad]:
    """The whole dataset: every named graph except the catalogue (which describes the dumps)."""
    excluded = ox.NamedNode(settings.graph_iri(CATALOG_GRAPH))
    return [q for q in graph_quads(store) if q.graph_name != excluded]


def key(pub: Publication) -> str:
    """Changes exactly when a release's files would: data, output settings, ckpld itself."""
    values = {name: getattr(pub.settings, name) for name in OUTPUT_SETTINGS}
    document = {
        "version": pub.version_id,
        "ckpld": __version__,
        "modified": pub.modified.isoformat(),
        "issued": pub.issued.isoformat(),
        "settings": values,
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def make(pub: Publication) -> Built:
    """Render every file of the release for `pub` (nothing is written)."""
    settings = pub.settings
    catalog = settings.graph_iri(CATALOG_GRAPH)
    bulk = Bulk.read(pub.store, [g for g in pub.queryable.graphs if g != catalog], pub.prefixes)
    files: dict[str, bytes] = {}
    described: list[DumpFile] = []
    bodies = render_all(bulk, [(dump.format, dump.gzip) for dump in DATA_DUMPS])
    for dump, body in zip(DATA_DUMPS, bodies, strict=True):
        name = dump.name(settings.dataset_id)
        files[name] = body
        described.append(DumpFile.of(name, dump.media_type, body))
    triples = catalogue(settings, pub.statistics, _remembered(pub), _release(pub, described))
    turtle = named("turtle")
    files[CATALOG_FILE] = render(_as_quads(triples, catalog_iri(settings)), turtle, pub.prefixes)
    void = graph_quads(pub.store, settings.graph_iri(METADATA_GRAPH))
    files[VOID_FILE] = render(void, turtle, pub.prefixes)
    described = [
        *described,
        *(DumpFile.of(n, _media_type(n), files[n]) for n in (CATALOG_FILE, VOID_FILE)),
    ]
    files[SUMS_FILE] = checksums(described)
    listed = (*described, DumpFile.of(SUMS_FILE, _media_type(SUMS_FILE), files[SUMS_FILE]))
    manifest = Manifest(pub.version_id, key(pub), pub.modified.isoformat(), listed)
    return Built(manifest, files, triples)


def build(pub: Publication, out: Path) -> Manifest:
    """Write a new release of `pub` into `out` and make it current.

    Raises:
        OutputError: `out` cannot be written; the previous release stays current.
    """
    built = make(pub)
    return write(out, built.files, built.manifest)


def ensure(pub: Publication) -> tuple[Manifest, list[ox.Triple]]:
    """The current release in the dumps folder, built first if missing or out of date.

    Returns:
        The release's manifest and the catalogue statements describing it.
    """
    out = pub.settings.dumps_dir
    found = current(out)
    if found is not None and found.key == key(pub):
        data = [f for f in found.files if f.name in _data_names(pub)]
        if len(data) == len(DATA_DUMPS):
            ordered = sorted(data, key=lambda f: _data_names(pub).index(f.name))
            triples = catalogue(
                pub.settings, pub.statistics, _remembered(pub), _release(pub, ordered)
            )
            return found, triples
    built = make(pub)
    return write(out, built.files, built.manifest), built.catalogue


def _remembered(pub: Publication) -> Remembered:
    """The store, with the catalogue's scans over the data remembered for this release key."""
    return Remembered(pub.store, pub.settings.cache_dir / "answers", key(pub))


def _release(pub: Publication, files: list[DumpFile]) -> Release:
    return Release(pub.version_id, date_time(pub.modified), date_time(pub.issued), files)


def _data_names(pub: Publication) -> list[str]:
    return [d.name(pub.settings.dataset_id) for d in DATA_DUMPS]


def _media_type(name: str) -> str:
    for dump in DATA_DUMPS:
        if name.endswith("." + dump.suffix):
            return dump.media_type
    return OTHER_MEDIA_TYPES[name]


def _as_quads(triples: list[ox.Triple], graph: str) -> list[ox.Quad]:
    name = ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
