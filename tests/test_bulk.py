"""Bulk output: the whole dataset in every RDF format, sorted, each statement once."""

from __future__ import annotations

import gzip
import itertools
import os

import pyoxigraph as ox
import pytest

from ckpld.config import Settings
from ckpld.publish.publication import Publication, publish
from ckpld.rdf.formats import RDF_FORMATS, Format
from ckpld.store import bulk as bulk_module
from ckpld.store.bulk import Bulk, render_all, render_dump
from ckpld.store.documents import graph_quads
from tests.terms import value_of


@pytest.fixture(scope="module")
def publication(settings: Settings) -> Publication:
    return publish(settings)


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_dumps_hold_every_statement_in_order(publication: Publication, fmt: Format) -> None:
    quads = graph_quads(publication.store)
    shuffled = quads[1::2] + quads[::2]
    body = render_dump(shuffled, fmt, publication.prefixes)
    assert body == render_dump(quads, fmt, publication.prefixes)  # input order does not count
    assert fmt.rdf is not None
    parsed = list(ox.parse(body, format=fmt.rdf))
    if fmt.rdf in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        assert sorted(map(str, parsed)) == sorted(map(str, quads))
        graphs = [q.graph_name.value for q in parsed]
        if fmt.rdf == ox.RdfFormat.TRIG:
            assert graphs == sorted(graphs, key=graphs.index)  # each graph in one block
    else:
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        assert len(parsed) == len(triples)  # each statement once
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == triples
    if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        header = [line for line in body.split(b"\n") if line.startswith(b"@prefix")]
        assert len(header) == len(publication.prefixes) and header == sorted(header)
    if fmt.rdf == ox.RdfFormat.N_TRIPLES:
        assert body.splitlines() == sorted(body.splitlines())
    if fmt.rdf == ox.RdfFormat.N_QUADS:  # graph by graph, sorted within each
        lines = body.splitlines()
        assert lines == sorted(lines, key=lambda line: line.rsplit(b" ", 2)[-2])
        assert all(a <= b for a, b in itertools.pairwise(lines) if a.split()[-2] == b.split()[-2])


def test_read_from_a_store_keeps_the_graphs_asked_for(
    publication: Publication, settings: Settings
) -> None:
    quads = graph_quads(publication.store)
    metadata = settings.graph_iri("metadata")
    wanted = sorted({value_of(q.graph_name) for q in quads} - {metadata})
    bulk = Bulk.read(publication.store, wanted, publication.prefixes)
    parsed = set(ox.parse(bulk.nquads, format=ox.RdfFormat.N_QUADS))
    assert parsed == {q for q in quads if value_of(q.graph_name) != metadata}
    assert bulk.digest == Bulk.of(parsed, {}).digest  # the same statements, the same digest
    assert bulk.digest != Bulk.read(publication.store, wanted[1:], {}).digest


@pytest.mark.parametrize(
    "body",
    [
        b"<http://e/a> <http://e/p> <http://e/c> .\n<http://e/a> <http://e/p> <http://e/b> .",
        b"<http://e/a> <http://e/p> <http://e/b> .\n<http://e/a> <http://e/p> <http://e/c> .",
        b"<http://e/a> <http://e/p> <http://e/b> .\n<http://e/a> <http://e/p> <http://e/c> .\n"
        b"<http://e/a> <http://e/p> <http://e/b> .\n",
    ],
    ids=["unsorted", "sorted-without-last-newline", "repeated"],
)
def test_any_order_and_ending_give_the_same_graph(body: bytes) -> None:
    bulk = Bulk({"http://e/g": body}, {})
    quads = list(ox.parse(bulk.nquads, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == 2 and {q.graph_name.value for q in quads} == {"http://e/g"}
    assert bulk.nquads.endswith(b" <http://e/g> .\n")
    assert (
        bulk.nquads
        == Bulk({"http://e/g": b"\n".join(sorted(set(body.split(b"\n")) - {b""}))}, {}).nquads
    )


def test_parallel_writing_gives_the_same_bytes(
    publication: Publication, monkeypatch: pytest.MonkeyPatch
) -> None:
    quads = graph_quads(publication.store)
    tasks = [(fmt, packed) for fmt in RDF_FORMATS for packed in (False, True)]
    alone = render_all(Bulk.of(quads, publication.prefixes), tasks)
    monkeypatch.setattr(bulk_module, "PARALLEL_FROM", 0)  # the shipped data is small
    # os is the module ckpld.store.bulk uses
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    together = render_all(Bulk.of(quads, publication.prefixes), tasks)
    assert together == alone
    assert gzip.decompress(together[1]) == together[0]  # gzipped when asked


def test_the_union_holds_a_statement_of_two_graphs_once() -> None:
    shared = b"<http://e/a> <http://e/p> <http://e/b> .\n"
    bulk = Bulk(
        {
            "http://e/g1": shared + b"<http://e/z> <http://e/p> <http://e/b> .\n",
            "http://e/g2": b"<http://e/0> <http://e/p> <http://e/b> .\n" + shared,
        },
        {},
    )
    lines = bulk.ntriples.splitlines()
    assert lines == sorted(set(lines)) and len(lines) == 3
    assert len(bulk.nquads.splitlines()) == 4  # each graph keeps its own
