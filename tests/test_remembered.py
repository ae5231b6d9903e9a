"""Answers remembered per key: the same result the store gives, read back instead of recounted."""

from __future__ import annotations

from pathlib import Path

import pytest

from ckpld.config import Settings
from ckpld.publish.publication import Publication, publish
from ckpld.store import QueryResult
from ckpld.store.remembered import Remembered


@pytest.fixture(scope="module")
def publication(settings: Settings) -> Publication:
    return publish(settings)


QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


class Unreadable:
    """A store that must not be asked."""

    default_graphs: tuple[str, ...] = ()

    def query(self, sparql: str, **_: object) -> QueryResult:
        raise AssertionError("asked the store")

    def dump(self, graph: str) -> bytes:
        raise AssertionError("asked the store")

    def warm(self) -> None:
        pass

    def rest(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_an_internal_select_is_answered_from_disk(publication: Publication, tmp_path: Path) -> None:
    expected = publication.store.query(QUERY)
    assert Remembered(publication.store, tmp_path, "k1").query(QUERY) == expected
    assert Remembered(Unreadable(), tmp_path, "k1").query(QUERY) == expected
    with pytest.raises(AssertionError):  # another key: asked again
        Remembered(Unreadable(), tmp_path, "k2").query(QUERY)
    with pytest.raises(AssertionError):  # a client's query (with a timeout) always goes through
        Remembered(Unreadable(), tmp_path, "k1").query(QUERY, timeout=5)
    for path in tmp_path.iterdir():  # damaged: asked again, not trusted
        path.write_text("{", encoding="utf-8")
    assert Remembered(publication.store, tmp_path, "k1").query(QUERY) == expected
    ask = "ASK { ?s ?p ?o }"  # only solutions are kept
    assert Remembered(publication.store, tmp_path, "k3").query(ask).boolean is True
    assert len(list(tmp_path.glob("*.srj"))) == 1
