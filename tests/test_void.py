"""The VoID description: its figures, counted again here independently, and its links work."""

from __future__ import annotations

import gzip
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from rdflib import RDF, URIRef

from ckpld.config import Settings
from ckpld.publish.publication import publish
from tests.conftest import ROOT
from tests.terms import as_literal

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def void(app: Flask) -> rdflib.Graph:
    response = app.test_client().get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.data, format="turtle")


@pytest.fixture(scope="module")
def files(settings: Settings) -> rdflib.Graph:
    """The union of the data and vocabulary files, parsed by rdflib (not by ckpld)."""
    graph = rdflib.Graph()
    paths = [*sorted((ROOT / "data").glob("*.ttl")), *sorted((ROOT / "ontology").glob("*.ttl"))]
    for path in paths:
        if path.name != "shapes.ttl":
            graph.parse(path, publicID=settings.base_iri)
    return graph


def figure(void: rdflib.Graph, node: rdflib.term.Node, prop: URIRef) -> int:
    value = void.value(node, prop)
    assert isinstance(value, rdflib.Literal), (node, prop)
    return int(value)


def test_figures_match_an_independent_count(
    void: rdflib.Graph, files: rdflib.Graph, settings: Settings
) -> None:
    dataset = URIRef(settings.dataset_iri)
    assert figure(void, dataset, VOID.triples) == len(files)
    assert figure(void, dataset, VOID.distinctSubjects) == len(set(files.subjects()))
    assert figure(void, dataset, VOID.distinctObjects) == len(set(files.objects()))
    own = {s for s in files.subjects() if str(s).startswith(settings.base_iri + "id/")}
    assert figure(void, dataset, VOID.entities) == len(own)
    instances = {
        c: len(set(files.subjects(RDF.type, c))) for c in set(files.objects(None, RDF.type))
    }
    partitions = {
        void.value(p, VOID["class"]): figure(void, p, VOID.entities)
        for p in void.objects(dataset, VOID.classPartition)
    }
    assert partitions == instances
    predicates = Counter(p for _, p, _ in files)
    by_property = {
        void.value(p, VOID.property): figure(void, p, VOID.triples)
        for p in void.objects(dataset, VOID.propertyPartition)
    }
    assert by_property == dict(predicates)
    assert figure(void, dataset, VOID.properties) == len(predicates)
    assert figure(void, dataset, VOID.classes) == len(instances)


def test_subsets_are_the_named_graphs(void: rdflib.Graph, settings: Settings) -> None:
    dataset = URIRef(settings.dataset_iri)
    subsets = {str(s): figure(void, s, VOID.triples) for s in void.objects(dataset, VOID.subset)}
    for name in ("page", "enrichment", "vocabulary"):
        graph = rdflib.Graph()
        if name == "vocabulary":
            for path in (ROOT / "ontology").glob("*.ttl"):
                if path.name != "shapes.ttl":
                    graph.parse(path, publicID=settings.base_iri)
        else:
            graph.parse(ROOT / "data" / f"{name}.ttl", publicID=settings.base_iri)
        assert subsets[settings.graph_iri(name)] == len(graph), name


def test_links_of_the_description_answer(
    app: Flask, void: rdflib.Graph, settings: Settings
) -> None:
    client = app.test_client()
    dataset = URIRef(settings.dataset_iri)
    base = settings.base_iri
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(base + "sparql")
    assert str(void.value(dataset, VOID.uriSpace)) == base + "id/"
    assert void.value(dataset, rdflib.namespace.DCTERMS.license) == URIRef(settings.license)
    vocabularies = {str(v) for v in void.objects(dataset, VOID.vocabulary)}
    assert {"https://schema.org/", "http://www.w3.org/ns/org#", base + "def/ckp#"} <= vocabularies
    dumps = [str(d) for d in void.objects(dataset, VOID.dataDump)]
    examples = [str(e) for e in void.objects(dataset, VOID.exampleResource)]
    assert len(dumps) == 5 and len(examples) == 3
    for url in [*dumps, *examples]:
        with client.get("/" + url[len(base) :], follow_redirects=True) as response:
            assert response.status_code == 200, url


def test_every_document_says_which_dataset_it_belongs_to(app: Flask, settings: Settings) -> None:
    client = app.test_client()
    urls = client.get("/sitemap.xml").get_data(as_text=True)
    documents = [u for u in urls.split("<loc>")[1:] if "/doc/" in u]
    assert len(documents) > 50
    for entry in documents:
        url = entry.split("</loc>")[0].removesuffix(".html")  # the page's document
        body = client.get("/" + url[len(settings.base_iri) :], headers={"Accept": "text/turtle"})
        graph = rdflib.Graph().parse(data=body.data, format="turtle")
        assert (URIRef(url), VOID.inDataset, URIRef(settings.dataset_iri)) in graph, url


def test_counts_follow_the_data(settings: Settings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    page = data / "page.ttl"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n<id/extra> a <https://schema.org/Thing> .\n",
        encoding="utf-8",
    )
    before = publish(replace(settings, validate_on_start=False)).statistics
    after = publish(
        replace(
            settings,
            data_dir=data,
            source_dir=data / "source",
            dumps_dir=tmp_path / "dumps",
            validate_on_start=False,
        )
    ).statistics
    assert after.triples == before.triples + 1
    assert after.entities == before.entities + 1
    thing = "https://schema.org/Thing"
    assert after.classes.get(thing, 0) == before.classes.get(thing, 0) + 1


def test_the_dataset_has_one_size_everywhere(app: Flask, settings: Settings) -> None:
    """How big is the dataset? The same figure in VoID, in the catalogue, on the home page, in
    the dumps, at /data and in a count over the endpoint's default graph."""
    client = app.test_client()
    dataset = URIRef(settings.dataset_iri)
    triples = URIRef("http://rdfs.org/ns/void#triples")
    void = rdflib.Graph().parse(data=client.get("/void.ttl").data, format="turtle")
    size = int(as_literal(void.value(dataset, triples)))
    catalog = rdflib.Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    assert int(as_literal(catalog.value(dataset, triples))) == size
    home = client.get("/", headers={"Accept": "text/html", "Accept-Language": "en"}).text
    assert f"{size:,} RDF triples" in home
    counted = client.get(
        "/sparql",
        query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    ).json
    assert counted is not None
    assert int(counted["results"]["bindings"][0]["n"]["value"]) == size
    assert len(client.get("/data.nt").data.splitlines()) == size
    pub = app.extensions["ckpld"]
    assert pub.manifest is not None and pub.manifest.folder is not None
    dump = pub.manifest.folder / f"{settings.dataset_id}.nt.gz"
    assert len(gzip.decompress(dump.read_bytes()).splitlines()) == size
