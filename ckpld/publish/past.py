"""Past releases, served: an archived release's data loaded as a publication of its own.

A past release is read from its archive folder: its N-Quads dump (the data graphs), its VoID and
its catalogue, into an embedded store with the same query processes, limits and protections as
the current data's. It is then rendered and queried by the same code as the current publication
(documents, pages, SPARQL), with its own dates, version and caches; only what the interface
itself needs (labels of terms, prefixes, the JSON-LD context, the cookbook) is the current one.

Each server process keeps the few most recently used past releases loaded (`Pasts`); which
things each release describes is kept apart, small (`described`), in the cache folder, so that a
TimeMap or a TimeGate never loads a release's data.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from ckpld.config import Settings
from ckpld.errors import BusyError, NotFoundError, SourceError
from ckpld.lru import LRU, weight
from ckpld.model.sources import SourceFile
from ckpld.publish.archive import Archive
from ckpld.publish.dumps import CATALOG_FILE, VOID_FILE, Manifest
from ckpld.publish.metadata import Facts, remembered_facts, sizes
from ckpld.publish.publication import Publication, owned_by_hash
from ckpld.publish.record import Named
from ckpld.publish.release import CATALOG_GRAPH, METADATA_GRAPH
from ckpld.rdf.formats import named
from ckpld.store.documents import internal_query
from ckpld.store.isolation import Pool
from ckpld.store.local import LocalStore

KEEP = 2  # past releases each server process keeps loaded when no request uses them
MOST = 3  # past releases a server process holds at once (setting past_releases): more, 503


def load(pub: Publication, entry: Named) -> Publication:
    """The archived release `entry` as a publication (its store: in memory, its own queries).

    Raises:
        NotFoundError: the archive lacks it.
        SourceError, DataSyntaxError: its files cannot be read.
    """
    settings = pub.settings
    manifest = _manifest(settings, entry)
    assert manifest.folder is not None
    store, found = release_store(settings, entry, manifest)
    catalogue = tuple(
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(manifest.folder / CATALOG_FILE), format=ox.RdfFormat.TURTLE)
    )
    first = pub.releases.entries[0].date if pub.releases.entries else entry.date
    subjects = internal_query(store, "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
    return Publication(
        settings=settings,
        store=store,
        version=entry.version,
        modified=entry.date,
        issued=first,
        statistics=found.statistics,
        queryable=sizes(store),
        prefixes=pub.prefixes,
        context=pub.context,
        owned=owned_by_hash(row[0] for row in subjects.rows),
        shapes=pub.shapes,
        labels=pub.labels,
        cookbook=pub.cookbook,
        manifest=manifest,
        catalogue=catalogue,
        releases=pub.releases,
        past=entry,
        cache=LRU(settings.cache_entries, settings.cache_bytes, weight),
    )


def release_store(
    settings: Settings, entry: Named, manifest: Manifest | None = None
) -> tuple[LocalStore, Facts]:
    """An embedded store holding the archived release `entry`: its data graphs (the store's
    default graph), its VoID and its catalogue graphs; queries run as the current data's do
    (same processes, limits and confinement). Also what ckpld counts over its data.

    Raises:
        NotFoundError: the archive lacks it.
        SourceError, DataSyntaxError: its files cannot be read.
    """
    manifest = manifest or _manifest(settings, entry)
    assert manifest.folder is not None
    pool = Pool(
        settings.query_processes,
        settings.query_queue,
        settings.query_sandbox,
        settings.service_allowlist,
    )
    store = LocalStore(settings.base_iri, pool=pool)
    # (every statement of an N-Quads dump is in a named graph: the graph given is never used)
    dump = SourceFile(
        manifest.folder / f"{settings.dataset_id}.nq", named("nquads"), settings.graph_iri("data")
    )
    store.load([dump])
    found = remembered_facts(store, settings.base_iri + "id/", settings.cache_dir, entry.version)
    turtle = named("turtle")
    store.load(
        [
            SourceFile(manifest.folder / VOID_FILE, turtle, settings.graph_iri(METADATA_GRAPH)),
            SourceFile(manifest.folder / CATALOG_FILE, turtle, settings.graph_iri(CATALOG_GRAPH)),
        ]
    )
    store.default_graphs = tuple(found.statistics.graphs)
    return store, found


class Pasts:
    """The past releases a server process has loaded: at most `keep` that no request uses, the
    least recently used let go (its query processes stopped) once no request uses it (a request
    that waits for a query lets others run, under gevent, and one of them may load another
    release); at most `most` at once, each with its data in memory and its query processes, so
    that asking many releases at once costs a bounded amount: beyond, `BusyError` (503)."""

    def __init__(self, keep: int = KEEP, most: int = MOST) -> None:
        self.keep = keep
        self.most = max(most, keep)
        self._loaded: OrderedDict[str, Publication] = OrderedDict()
        self._users: dict[str, int] = {}

    @contextmanager
    def hold(self, pub: Publication, entry: Named) -> Iterator[Publication]:
        """The publication of release `entry` (`pub` itself when that is its data), kept
        loaded while the block runs."""
        newest = pub.releases.entries[-1] if pub.releases.entries else None
        if newest is not None and entry == newest and entry.version == pub.version_id:
            yield pub
            return
        found = self._loaded.get(entry.name)
        if found is None:
            self._let_go(room=1)
            if len(self._loaded) >= self.most:
                raise BusyError(
                    f"{len(self._loaded)} past releases are being asked at once, the most this "
                    "server process holds; ask again in a moment",
                    retry_after=1,
                )
            found = self._loaded[entry.name] = load(pub, entry)
        self._loaded.move_to_end(entry.name)
        self._users[entry.name] = self._users.get(entry.name, 0) + 1
        try:
            yield found
        finally:
            self._users[entry.name] -= 1
            self._let_go()

    def _let_go(self, room: int = 0) -> None:
        """Keep at most `keep` releases that no request uses (and `room` places free under
        `most`): stop the least recently used."""
        idle = [name for name in self._loaded if not self._users.get(name)]
        excess = max(len(idle) - self.keep, len(self._loaded) + room - self.most, 0)
        for name in idle[:excess]:
            self._loaded.pop(name).store.close()
            self._users.pop(name, None)

    def loaded(self) -> list[str]:
        """The names of the releases loaded, least recently used first."""
        return list(self._loaded)

    def close(self) -> None:
        """Let every loaded release go."""
        while self._loaded:
            _, dropped = self._loaded.popitem()
            dropped.store.close()


def described(pub: Publication, entry: Named) -> frozenset[str]:
    """The things release `entry` says something about: IRIs of subjects, without their hash
    part, in its data, VoID and catalogue. Read once from its files, then kept in the cache
    folder under the release's checksums.

    Raises:
        NotFoundError: the archive lacks the release.
    """
    manifest = _manifest(pub.settings, entry)
    assert manifest.folder is not None
    sums = "".join(f.sha256 for f in manifest.files)
    key = hashlib.sha256(f"{entry.name}\n{sums}".encode()).hexdigest()[:32]
    path = pub.settings.cache_dir / "described" / f"{key}.json"
    known = _remembered(str(path))
    if known is not None:
        return known
    found: set[str] = set()
    names = (f"{pub.settings.dataset_id}.nq", VOID_FILE, CATALOG_FILE)
    for name in names:
        fmt = ox.RdfFormat.N_QUADS if name.endswith(".nq") else ox.RdfFormat.TURTLE
        try:
            for quad in ox.parse(path=str(manifest.folder / name), format=fmt):
                if isinstance(quad.subject, ox.NamedNode):
                    found.add(quad.subject.value.partition("#")[0])
        except (OSError, SyntaxError) as err:
            raise SourceError(f"{manifest.folder / name}: cannot read: {err}") from err
    _remember(path, sorted(found))
    return frozenset(found)


_DESCRIBED: dict[str, frozenset[str]] = {}  # read in this process, by path


def _remembered(path: str) -> frozenset[str] | None:
    """What `described` wrote to `path` (named by the release's checksums: it never changes),
    read once per process."""
    if path not in _DESCRIBED:
        try:
            _DESCRIBED[path] = frozenset(json.loads(Path(path).read_bytes()))
        except (OSError, ValueError):
            return None
    return _DESCRIBED[path]


def _manifest(settings: Settings, entry: Named) -> Manifest:
    manifest = Archive(settings.releases_dir).manifest(entry.name)
    if manifest is None or manifest.folder is None:
        raise NotFoundError(
            f"release {entry.name} is not in the archive {settings.releases_dir} "
            "(`ckpld releases rebuild` makes it)"
        )
    return manifest


def _remember(path: Path, value: list[str]) -> None:
    """Write `value` to `path` atomically; a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".described.", dir=path.parent)
        with os.fdopen(handle, "w") as out:
            json.dump(value, out)
        os.replace(name, path)
    except OSError:
        pass
