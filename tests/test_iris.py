"""Paths and IRIs: the server's paths stand for the canonical IRIs under the base."""

from __future__ import annotations

import pytest

from ckpld.iris import document_of, iri_of_path, local_path, split_suffix, thing_of_document

BASE = "https://dane.example.pl/ckp/"


def test_paths_and_iris_map_both_ways() -> None:
    assert iri_of_path(BASE, "/id/place/wilno") == BASE + "id/place/wilno"
    assert local_path(BASE, BASE + "id/place/wilno#part") == "/id/place/wilno#part"
    assert local_path(BASE, "https://schema.org/name") is None


def test_things_and_their_documents() -> None:
    assert document_of(BASE, BASE + "id/membership/a/b#interval") == BASE + "doc/membership/a/b"
    assert document_of(BASE, BASE + "def/ckp#Partnership") == BASE + "def/ckp"
    assert thing_of_document(BASE, BASE + "doc/place/wilno") == BASE + "id/place/wilno"
    assert thing_of_document(BASE, BASE + "graph/page") == BASE + "graph/page"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/doc/place/wilno.ttl", ("/doc/place/wilno", "ttl")),
        ("/doc/place/wilno.jsonld", ("/doc/place/wilno", "jsonld")),
        ("/doc/place/wilno", ("/doc/place/wilno", None)),
        ("/doc/place/wilno.foo", ("/doc/place/wilno.foo", None)),
        ("/source/page.txt", ("/source/page.txt", None)),
        ("/doc/a.ttl/b", ("/doc/a.ttl/b", None)),
        ("/doc/.ttl", ("/doc/.ttl", None)),
    ],
)
def test_format_suffixes(path: str, expected: tuple[str, str | None]) -> None:
    assert split_suffix(path) == expected
