"""Documents: what is said about one IRI, and writing it deterministically in every format."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pyoxigraph as ox
import pytest

from ckpld.config import Settings
from ckpld.errors import NotFoundError
from ckpld.publish.publication import Publication, publish
from ckpld.rdf.formats import RDF_FORMATS
from ckpld.store.documents import describe, document_metadata, graph_quads, render
from tests.conftest import ROOT
from tests.terms import value_of


@pytest.fixture(scope="module")
def publication(settings: Settings) -> Publication:
    return publish(settings)


def test_description_has_parts_sources_and_labels(
    publication: Publication, settings: Settings
) -> None:
    base = settings.base_iri
    topic = base + "id/membership/encc/centrum-kultury-podgorza"
    quads = describe(publication.store, topic, publication.owned)
    subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    assert {topic, topic + "#interval", topic + "#beginning", topic + "#end"} <= subjects
    assert base + "id/quote/encc-membership" in subjects  # what it is derived from
    assert base + "id/quote/encc-membership#selector" in subjects  # with the exact words
    names = {
        value_of(q.object) for q in quads if value_of(q.subject) == base + "id/organization/encc"
    }
    assert "European Network of Cultural Centres" in names  # label of a linked resource
    # but not everything about the linked resource
    assert not any(
        value_of(q.subject) == base + "id/organization/encc"
        and q.predicate.value.endswith("foundingDate")
        for q in quads
    )
    # each statement keeps its graph; a resource of the data is described from the data's
    # graphs (what VoID says of it, as an example resource, stays in VoID)
    graphs = {value_of(q.graph_name) for q in quads}
    assert graphs == {settings.graph_iri(g) for g in ("page", "enrichment", "vocabulary")}
    dataset = describe(publication.store, settings.dataset_iri, publication.owned)
    assert {value_of(q.graph_name) for q in dataset} >= {settings.graph_iri("metadata")}


def test_description_has_what_points_at_the_topic(
    publication: Publication, settings: Settings
) -> None:
    base = settings.base_iri
    topic = base + "id/organization/encc"
    quads = describe(publication.store, topic, publication.owned)
    pointing = {
        (value_of(q.subject), q.predicate.value)
        for q in quads
        if isinstance(q.object, ox.NamedNode) and q.object.value == topic
    }
    membership = base + "id/membership/encc/centrum-kultury-podgorza"
    assert any(s == membership for s, _ in pointing)  # followed from the network to it
    assert all(not s.startswith(topic + "#") for s, _ in pointing)
    names = {value_of(q.object) for q in quads if value_of(q.subject) == membership}
    assert names  # and the pointing resource comes with its label
    answer = publication.store.query(  # the default graph: the data's
        f"SELECT ?s ?p WHERE {{ ?s ?p <{topic}> FILTER(isIRI(?s) && ?s != <{topic}>) }}"
    )
    every = {(value_of(s), value_of(p)) for s, p in answer.rows}
    assert pointing == {(s, p) for s, p in every if not s.startswith(topic + "#")}


def test_invalid_iris_are_refused_not_injected(publication: Publication) -> None:
    with pytest.raises(NotFoundError, match="not an IRI"):  # nothing is published as one
        describe(publication.store, "https://x/> } ; DROP ALL ; <", publication.owned)


def test_document_metadata(settings: Settings) -> None:
    triples = document_metadata(
        "https://d/doc/x", "https://d/id/x", settings.dataset_iri, "2026-01-02T03:04:05+00:00", None
    )
    predicates = {t.predicate.value.rsplit("/", 1)[-1] for t in triples}
    assert predicates == {
        "22-rdf-syntax-ns#type",
        "0.1/primaryTopic",
        "void#inDataset",
        "modified",
    } or {"primaryTopic", "modified"} <= {p.split("#")[-1] for p in predicates}
    assert not any(t.predicate.value.endswith("license") for t in triples)


def test_graph_quads(publication: Publication, settings: Settings) -> None:
    page = graph_quads(publication.store, settings.graph_iri("page"))
    assert page and {value_of(q.graph_name) for q in page} == {settings.graph_iri("page")}
    assert len(graph_quads(publication.store)) > len(page)


SCRIPT = """
import hashlib, sys
from pathlib import Path
from ckpld.config import Settings
from ckpld.store.bulk import render_dump
from ckpld.store.documents import describe, graph_quads, render
from ckpld.rdf.formats import RDF_FORMATS
from ckpld.publish.publication import publish
pub = publish(Settings.from_mapping({"validate_on_start": False}, Path(sys.argv[1])))
topic = pub.settings.base_iri + "id/organization/encc"
quads = describe(pub.store, topic, pub.owned)
everything = graph_quads(pub.store)
for fmt in RDF_FORMATS:
    body = render(quads, fmt, pub.prefixes, pub.context)
    print(fmt.name, hashlib.sha256(body).hexdigest())
    print(fmt.name, "dump", hashlib.sha256(render_dump(everything, fmt, pub.prefixes)).hexdigest())
"""


def test_rendering_is_byte_identical_across_processes() -> None:
    # Strong ETags promise identical bytes from every worker and after every restart, whatever
    # Python's hash seed does to set and dict order.
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(ROOT)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert len(outputs.pop().splitlines()) == 2 * len(RDF_FORMATS)


def test_render_keeps_rdf_lists_in_order(publication: Publication) -> None:
    body = render(
        publication.shapes,
        next(f for f in RDF_FORMATS if f.name == "jsonld"),
        publication.prefixes,
        publication.context,
    )
    assert b'"@list"' in body
    assert hashlib.sha256(body).hexdigest()  # written without error
