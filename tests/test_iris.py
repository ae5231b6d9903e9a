"""Paths and IRIs: the server's paths stand for the canonical IRIs under the base."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from ckpld.rdf.formats import FORMATS
from ckpld.rdf.iris import (
    DOCUMENT,
    THING,
    document_of,
    iri_of_path,
    local_path,
    split_suffix,
    thing_of_document,
)

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


# Properties (hypothesis): the mapping is textual, exact, and stays under the base.

BASES = st.sampled_from([BASE, "https://dane.ckpodgorza.pl/", "http://127.0.0.1:8000/"])
SEGMENT = st.one_of(
    st.sampled_from(["id", "doc", "def", "ckp", "..", ".", "", "%2e%2e", "%2f", "a.ttl", ".ttl"]),
    st.text(max_size=12),
)
PATHS = st.lists(SEGMENT, max_size=8).map(lambda segments: "/" + "/".join(segments))


@given(path=PATHS | st.text())
@example(path="/doc/a.ttl.jsonld")
@example(path="/doc/../../etc/passwd.nt")
def test_split_suffix_only_splits_a_known_suffix(path: str) -> None:
    stem, suffix = split_suffix(path)
    assert stem + ("." + suffix if suffix else "") == path
    if suffix is not None:
        assert suffix in {f.suffix for f in FORMATS if f.suffix}
        assert not stem.endswith("/")
        assert split_suffix(stem + "." + suffix) == (stem, suffix)


@given(base=BASES, path=PATHS | st.text())
@example(base=BASE, path="/../../x")
@example(base=BASE, path="//evil.example/x")
def test_paths_map_to_iris_under_the_base_and_back(base: str, path: str) -> None:
    iri = iri_of_path(base, path)
    assert iri.startswith(base)
    assert local_path(base, iri) == "/" + path.lstrip("/")
    assert iri_of_path(base, local_path(base, iri) or "") == iri


@given(base=BASES, iri=st.text() | st.sampled_from(["https://schema.org/name", "file:///etc"]))
def test_other_iris_have_no_local_path(base: str, iri: str) -> None:
    assume(not iri.startswith(base))
    assert local_path(base, iri) is None
    assert document_of(base, iri) == iri.split("#", 1)[0]  # not ours: its own document


@given(base=BASES, rest=PATHS | st.text(), fragment=st.none() | st.text())
def test_things_and_documents_round_trip(base: str, rest: str, fragment: str | None) -> None:
    rest = rest.lstrip("/").split("#", 1)[0]
    thing = base + THING + rest
    document = document_of(base, thing if fragment is None else f"{thing}#{fragment}")
    assert document == base + DOCUMENT + rest
    assert "#" not in document
    assert thing_of_document(base, document) == thing
    path = local_path(base, document)
    assert path is not None and path.startswith("/" + DOCUMENT)
