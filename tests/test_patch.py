"""ckpld.publish.patch: the difference between two releases, as an RDF Patch."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ckpld.errors import DataSyntaxError
from ckpld.publish.patch import difference, rdf_patch, read_patch

G1, G2 = ox.NamedNode("http://example.org/graph/a"), ox.NamedNode("http://example.org/graph/b")


def quad(s: str, o: ox.NamedNode | ox.Literal, graph: ox.NamedNode = G1) -> ox.Quad:
    return ox.Quad(
        ox.NamedNode(f"http://example.org/{s}"), ox.NamedNode("http://example.org/p"), o, graph
    )


OLD = [
    quad("a", ox.Literal("kept")),
    quad("b", ox.Literal("gone", language="pl")),
    quad("c", ox.Literal('quote " and\nnewline')),
]
NEW = [
    quad("a", ox.Literal("kept")),
    quad("c", ox.Literal('quote " and\nnewline')),
    quad("d", ox.NamedNode("http://example.org/x"), G2),
    quad("e", ox.Literal("ż", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#string"))),
]


def test_the_difference_is_what_was_added_and_removed_per_graph() -> None:
    change = difference(OLD, NEW)
    assert set(change.added) == set(NEW) - set(OLD)
    assert set(change.removed) == set(OLD) - set(NEW)
    assert change.counts() == {G1.value: (1, 1), G2.value: (1, 0)}
    assert not change.empty and difference(NEW, list(reversed(NEW))).empty


def test_the_patch_is_rdf_patch_whose_rows_are_n_quads() -> None:
    body = rdf_patch(difference(OLD, NEW), "http://example.org/r/2/p", "http://example.org/r/1/p")
    lines = body.decode().splitlines()
    assert lines[:3] == [
        "H id <http://example.org/r/2/p> .",
        "H prev <http://example.org/r/1/p> .",
        "TX .",
    ]
    assert lines[-1] == "TC ."
    rows = lines[3:-1]
    assert [r[0] for r in rows] == ["D", "A", "A"]  # deletions first
    # each row, without its letter, is an N-Quads line any RDF parser reads (here: Oxigraph's)
    parsed = {r[0]: list(ox.parse(r[2:].encode(), format=ox.RdfFormat.N_QUADS)) for r in rows}
    assert parsed["D"] == [OLD[1]]


def test_applying_the_patch_to_the_old_release_gives_the_new_one(tmp_path: Path) -> None:
    change = read_patch(rdf_patch(difference(OLD, NEW), "http://example.org/p", None), tmp_path)
    assert (set(OLD) - set(change.removed)) | set(change.added) == set(NEW)


def test_the_same_releases_give_the_same_bytes() -> None:
    one = rdf_patch(difference(OLD, NEW), "http://example.org/p", None)
    assert one == rdf_patch(
        difference(list(reversed(OLD)), list(reversed(NEW))), "http://example.org/p", None
    )
    assert b"H prev" not in one


@pytest.mark.parametrize(
    ("body", "line"),
    [(b"H id <x> .\nX <a> <b> <c> .\n", 2), (b"TX .\nA <a> <b> .\n", 2), (b"\xff\xfe", None)],
)
def test_a_broken_patch_says_where(body: bytes, line: int | None, tmp_path: Path) -> None:
    with pytest.raises(DataSyntaxError) as caught:
        read_patch(body, tmp_path / "changes.rdfp")
    assert caught.value.line == line and "changes.rdfp" in caught.value.detail
