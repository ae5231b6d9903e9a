"""The embedded store on disk: Oxigraph's RocksDB files, opened read-only by every process.

For data larger than memory, or many workers: the workers share the files and the kernel's page
cache instead of each holding a copy. The folder (setting `store_path`) holds:

    data-<fingerprint>/   the data files parsed once (`db/`) and their version (`ckpld.json`);
                          the fingerprint is the SHA-256 of the files' bytes, their graphs and
                          the base IRI, so a start on unchanged files parses nothing
    sealed-<key>/         the data plus what ckpld adds (VoID, catalogue): a RocksDB checkpoint
                          of the data (hard links: instant), written once and then only read

Every folder is built under a temporary name and renamed into place, and none is changed once
there: a server still reading an older one goes on undisturbed, and an interrupted start leaves
nothing half-written. Folders not used by the newest two starts are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from ckpld.errors import OutputError
from ckpld.model.sources import SourceFile, load_into
from ckpld.store.bulk import Bulk
from ckpld.store.isolation import DEFAULT_POOL, Pool, QueryRunner
from ckpld.store.local import LocalStore, merging

KEEP = 2  # data and sealed folders kept (the current ones and the previous ones)
_DB = "db"
_FACTS = "ckpld.json"
_GRAPHS = "graphs"


class DiskStore(LocalStore):
    """An on-disk Oxigraph store; each process opens the current folder read-only for itself.

    Build it with `DiskStore.prepare`. `add` writes a new sealed copy with the statements added
    (at start-up, before serving); queries and dumps read the newest copy.
    """

    def __init__(
        self, base_iri: str, folder: Path, data: Path, version: str, pool: Pool = DEFAULT_POOL
    ) -> None:
        # LocalStore's in-memory store is replaced by per-process read-only handles.
        self._base_iri = base_iri
        self._default_graphs: tuple[str, ...] = ()
        self._merged: tuple[str, ...] = ()
        self._folder = folder
        self._data = data
        self._current = data
        self._added: list[ox.Quad] = []
        self.version = version
        self._handle: ox.Store | None = None
        self._opened = (0, Path())
        self._files: dict[str, Path] = {}
        self._runner = QueryRunner(self._execute, pool)
        # A RocksDB handle must not cross a fork (gunicorn's workers, the query child): drop it
        # before forking; each process opens its own on first use.
        reference = weakref.ref(self)
        os.register_at_fork(before=lambda: _drop(reference))

    @classmethod
    def prepare(
        cls, base_iri: str, folder: Path, files: Sequence[SourceFile], pool: Pool = DEFAULT_POOL
    ) -> DiskStore:
        """The store of `files` in `folder`: reused when these files were loaded before, else
        parsed into a new data folder.

        Raises:
            OutputError: `folder` cannot be written.
            SourceError, DataSyntaxError: a file is unreadable or does not parse.
        """
        data = folder / f"data-{fingerprint(files, base_iri)}"
        try:
            recorded = json.loads((data / _FACTS).read_text(encoding="utf-8"))
            version, graphs = recorded["version"], dict(recorded["graphs"])
        except (OSError, ValueError, KeyError, TypeError):
            version, graphs = _build_data(base_iri, folder, data, files)
        _touch(data)
        store = cls(base_iri, folder, data, version, pool)
        store._files = {graph: data / _GRAPHS / name for graph, name in graphs.items()}
        return store

    @property
    def _store(self) -> ox.Store:  # type: ignore[override]
        """This process's read-only handle on the current folder."""
        wanted = (os.getpid(), self._current)
        if self._handle is None or self._opened != wanted:
            self._handle = ox.Store.read_only(str(self._current / _DB))
            self._opened = wanted
        return self._handle

    def _merge(self) -> None:
        """The merge of `default_graphs` is written with the sealed copy (`add`); until then,
        queries read the graphs' union."""
        self._runner.close()
        self._merged = ()

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Serve the data plus every statement added so far, from a sealed copy (reused when one
        with exactly these statements and default graphs exists), whose default graph is the
        merge of `default_graphs` (see `LocalStore`).

        Raises:
            OutputError: the store's folder cannot be written.
        """
        quads = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
        self._added.extend(quads)
        for q in quads:  # a kept copy no longer holds all of a graph that grows
            self._files.pop(getattr(q.graph_name, "value", ""), None)
        added = Bulk.of(self._added, {}).nquads
        merged = self._default_graphs
        listed = "\n".join(merged).encode()
        key = hashlib.sha256(self._data.name.encode() + b"\n" + added + b"\n" + listed)
        sealed = self._folder / f"sealed-{key.hexdigest()[:32]}"
        if not (sealed / _DB).is_dir():
            with _building(self._folder) as building:
                data = ox.Store.read_only(str(self._data / _DB))
                data.backup(str(building / _DB))  # a checkpoint: hard links
                del data
                writer = ox.Store(str(building / _DB))
                writer.load(added, format=ox.RdfFormat.N_QUADS)
                if merged:
                    writer.update(merging(merged))
                writer.flush()
                del writer
                _finish(building, sealed)
        _touch(sealed)
        self._current = sealed
        self._merged = merged
        self._handle = None
        _prune(self._folder)

    def dump(self, graph: str) -> bytes:
        """One graph as N-Triples; a graph of the data files is read from the sorted copy kept
        beside the database (see `ckpld.store.Store.dump`)."""
        kept = self._files.get(graph)
        if kept is not None:
            try:
                return kept.read_bytes()
            except OSError:
                pass  # removed by hand: the database still has it
        return super().dump(graph)

    def load(self, files: Sequence[SourceFile]) -> None:
        """Not available: the data is loaded by `prepare`, once per set of files."""
        raise TypeError("a DiskStore is loaded by DiskStore.prepare")

    def close(self) -> None:
        """Stop the query process and drop this process's handle."""
        super().close()
        self._handle = None


def fingerprint(files: Sequence[SourceFile], base_iri: str) -> str:
    """SHA-256 (32 hex digits) of the files' bytes, their graphs, formats and the base IRI, and
    of the Oxigraph version that parses them."""
    digest = hashlib.sha256(f"{base_iri}\n{ox.__version__}\n".encode())
    for source in files:
        digest.update(f"{source.graph}\n{source.format.name}\n".encode())
        with source.path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()[:32]


def _build_data(
    base_iri: str, folder: Path, data: Path, files: Sequence[SourceFile]
) -> tuple[str, dict[str, str]]:
    """Parse `files` into a new data folder `data`; return the data's version and the file
    holding each graph's sorted N-Triples."""
    with _building(folder) as building:
        store = ox.Store(str(building / _DB))
        load_into(store, files, base_iri, bulk=True)
        graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        bulk = Bulk({g: _dump(store, g) for g in graphs}, {})
        store.flush()
        del store
        # Each graph's statements as sorted N-Triples, kept for dumps: reading them back from
        # RocksDB takes longer than writing all the dumps.
        (building / _GRAPHS).mkdir()
        names = {}
        for number, (graph, lines) in enumerate(bulk.graphs.items()):
            (building / _GRAPHS / f"{number}.nt").write_bytes(lines)
            names[graph] = f"{number}.nt"
        facts = {"version": bulk.digest, "graphs": names}
        (building / _FACTS).write_text(json.dumps(facts), encoding="utf-8")
        _finish(building, data)
    return bulk.digest, names


def _dump(store: ox.Store, graph: str) -> bytes:
    written = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    assert written is not None
    return written


@contextlib.contextmanager
def _building(folder: Path) -> Iterator[Path]:
    """A temporary folder beside the final ones, removed unless `_finish` renamed it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
    except OSError as err:
        raise OutputError(f"{folder}: cannot write the store there: {err}") from err
    try:
        yield building
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _finish(building: Path, final: Path) -> None:
    try:
        building.rename(final)
    except OSError:
        if not final.is_dir():  # another process finished the same folder first: fine
            raise


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


def _prune(folder: Path) -> None:
    """Remove all but the most recently used `KEEP` data and sealed folders, and what a killed
    start left half-built an hour ago or more."""
    for left in folder.glob(".building-*"):
        with contextlib.suppress(OSError):
            if left.stat().st_mtime < time.time() - 3600:
                shutil.rmtree(left, ignore_errors=True)
    for prefix in ("data-", "sealed-"):
        found = sorted(
            (p for p in folder.glob(prefix + "*") if p.is_dir()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in found[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)


def _drop(reference: weakref.ref[DiskStore]) -> None:
    store = reference()
    if store is not None:
        store._handle = None
