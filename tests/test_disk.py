"""The on-disk store: parsed once per set of files, sealed copies, read-only in every process."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from ckpld.config import Settings
from ckpld.errors import DataSyntaxError, OutputError
from ckpld.model.sources import all_files
from ckpld.store.bulk import Bulk
from ckpld.store.disk import KEEP, DiskStore
from ckpld.store.local import LocalStore
from tests.terms import value_of

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
EXTRA = ox.Quad(
    ox.NamedNode("http://example.org/a"),
    ox.NamedNode("http://example.org/b"),
    ox.Literal("c"),
    ox.NamedNode("http://example.org/graph"),
)


@pytest.fixture
def data(settings: Settings, tmp_path: Path) -> Settings:
    """Settings whose data folder is a copy of the shipped data, free to change."""
    folder = tmp_path / "data"
    shutil.copytree(settings.data_dir, folder)
    return replace(settings, data_dir=folder, store_path=tmp_path / "store")


def count(store: LocalStore) -> int:
    value = store.query(COUNT).rows[0][0]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def folders(settings: Settings, prefix: str) -> list[str]:
    return sorted(p.name for p in settings.store_path.glob(prefix + "*"))


def test_the_same_statements_as_in_memory(data: Settings) -> None:
    files = all_files(data)
    disk = DiskStore.prepare(data.base_iri, data.store_path, files)
    memory = LocalStore(data.base_iri)
    memory.load(files)
    graphs = sorted(
        {value_of(row[0]) for row in memory.query("SELECT DISTINCT ?g { GRAPH ?g {} }").rows}
    )
    assert Bulk.read(disk, graphs, {}).nquads == Bulk.read(memory, graphs, {}).nquads
    assert disk.version == Bulk.read(memory, graphs, {}).digest
    assert count(disk) == count(memory) > 1000


def test_unchanged_files_are_not_parsed_again(data: Settings) -> None:
    first = DiskStore.prepare(data.base_iri, data.store_path, all_files(data))
    [folder] = folders(data, "data-")
    (data.store_path / folder / "db").chmod(stat.S_IRUSR | stat.S_IXUSR)  # nothing may write
    try:
        again = DiskStore.prepare(data.base_iri, data.store_path, all_files(data))
        assert again.version == first.version and count(again) == count(first)
    finally:
        (data.store_path / folder / "db").chmod(stat.S_IRWXU)
    assert folders(data, "data-") == [folder]


def test_changed_files_make_a_new_folder_and_old_ones_go(data: Settings) -> None:
    versions = set()
    for n in range(KEEP + 2):
        with (data.data_dir / "page.ttl").open("a", encoding="utf-8") as handle:
            handle.write(
                f'\n<id/extra-{n}> <http://www.w3.org/2000/01/rdf-schema#comment> "{n}" .\n'
            )
        store = DiskStore.prepare(data.base_iri, data.store_path, all_files(data))
        store.add([EXTRA])
        versions.add(store.version)
    assert len(versions) == KEEP + 2
    assert len(folders(data, "data-")) == KEEP
    assert len(folders(data, "sealed-")) == KEEP
    assert not list(data.store_path.glob(".building-*"))


def test_added_statements_are_served_from_a_sealed_copy(data: Settings) -> None:
    store = DiskStore.prepare(data.base_iri, data.store_path, all_files(data))
    before = count(store)
    store.add([EXTRA])
    assert count(store) == before + 1
    [sealed] = folders(data, "sealed-")
    again = DiskStore.prepare(data.base_iri, data.store_path, all_files(data))
    again.add([EXTRA])  # the same statements: the same sealed copy, reused
    assert folders(data, "sealed-") == [sealed] and count(again) == before + 1
    # The data folder itself is never changed.
    assert count(DiskStore.prepare(data.base_iri, data.store_path, all_files(data))) == before


def test_a_forked_process_opens_its_own_handle(data: Settings) -> None:
    store = DiskStore.prepare(data.base_iri, data.store_path, all_files(data))
    expected = count(store)
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.write(writing, pickle.dumps(count(store)))
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as answer:
        got = pickle.loads(answer.read())
    os.waitpid(pid, 0)
    assert got == expected
    assert count(store) == expected  # and the parent reopens its own after the fork
    # Queries with a timeout run in a forked child too.
    value = store.query(COUNT, timeout=30).rows[0][0]
    assert isinstance(value, ox.Literal) and int(value.value) == expected
    store.close()


def test_a_file_that_does_not_parse_leaves_nothing(data: Settings) -> None:
    (data.data_dir / "page.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(DataSyntaxError, match=r"page\.ttl"):
        DiskStore.prepare(data.base_iri, data.store_path, all_files(data))
    assert list(data.store_path.iterdir()) == []


def test_an_unwritable_folder_is_a_clear_error(data: Settings, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write the store"):
        DiskStore.prepare(data.base_iri, blocked / "store", all_files(data))


def test_dumps_of_data_graphs_come_from_the_kept_sorted_copy(data: Settings) -> None:
    store = DiskStore.prepare(data.base_iri, data.store_path, all_files(data))
    page = data.graph_iri("page")
    kept = store.dump(page)
    assert kept.splitlines() == sorted(kept.splitlines())
    # A graph that receives statements is read from the database, not from the kept copy.
    grown = DiskStore.prepare(data.base_iri, data.store_path, all_files(data))
    grown.add([ox.Quad(EXTRA.subject, EXTRA.predicate, EXTRA.object, ox.NamedNode(page))])
    assert len(grown.dump(page).splitlines()) == len(kept.splitlines()) + 1
    assert store.dump(page) == kept
    [folder] = folders(data, "data-")
    for path in (data.store_path / folder / "graphs").iterdir():  # gone: the database answers
        path.unlink()
    assert sorted(store.dump(page).splitlines()) == kept.splitlines()
