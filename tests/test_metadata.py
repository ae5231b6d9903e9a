"""Counts over the store: exact, remembered per data version, and updated without a recount."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ckpld.config import Settings
from ckpld.publish.metadata import Facts, facts, remembered_facts, sizes, with_graph
from ckpld.publish.publication import Publication, publish
from ckpld.store import QueryResult
from ckpld.store.local import LocalStore


@pytest.fixture(scope="module")
def publication(settings: Settings) -> Publication:
    pub = publish(settings)
    pub.release()
    return pub


def test_sizes_kept_up_to_date_equal_a_recount(publication: Publication) -> None:
    # publish() and release() add the VoID and catalogue graphs without counting again.
    assert publication.queryable == sizes(publication.store)
    assert set(publication.queryable.graphs) > set(publication.statistics.graphs)


def test_a_new_named_graph_keeps_the_default_graph_s_size(settings: Settings) -> None:
    store = LocalStore(settings.base_iri)
    a, b, c = (ox.NamedNode(f"http://example.org/{n}") for n in "abc")
    data = "http://example.org/g"
    store.add([ox.Quad(a, b, c, ox.NamedNode(data))])
    store.default_graphs = (data,)
    before = sizes(store)
    new = [ox.Triple(a, b, c), ox.Triple(a, b, ox.Literal("x")), ox.Triple(ox.BlankNode(), b, c)]
    predicted = with_graph(before, "http://example.org/h", [*new, new[1]])
    store.add(
        [
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode("http://example.org/h"))
            for t in new
        ]
    )
    assert predicted == sizes(store)  # what SPARQL counts: the default graph is the data's
    assert predicted.triples == 1 and predicted.graphs["http://example.org/h"] == 3


class Unreadable:
    """A store that must not be asked: the facts have to come from the cache."""

    default_graphs: tuple[str, ...] = ()

    def query(self, sparql: str, **_: object) -> QueryResult:
        raise AssertionError(f"counted again: {sparql[:40]}")

    def dump(self, graph: str) -> bytes:
        raise AssertionError(f"dumped: {graph}")

    def warm(self) -> None:
        pass

    def rest(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_facts_are_remembered_per_version(publication: Publication, tmp_path: Path) -> None:
    space = publication.settings.base_iri + "id/"
    counted = facts(publication.store, space)
    assert len(counted.examples) == 3 and counted.sources
    assert counted.statistics.triples > 1000 and counted.owned
    first = remembered_facts(publication.store, space, tmp_path, "v1")
    assert first == counted
    again = remembered_facts(Unreadable(), space, tmp_path, "v1")
    assert again == counted
    with pytest.raises(AssertionError, match="counted again"):  # another version is counted
        remembered_facts(Unreadable(), space, tmp_path, "v2")
    for path in (tmp_path / "facts").iterdir():  # a damaged file is counted again, not trusted
        path.write_text('{"statistics": 1}', encoding="utf-8")
    assert remembered_facts(publication.store, space, tmp_path, "v1") == counted
    assert isinstance(counted, Facts)
