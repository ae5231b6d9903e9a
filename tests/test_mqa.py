"""data.europa.eu's quality score (MQA) of the catalogue: 405 of 405, in DCAT-AP 3.0.1 as served
and in DCAT-AP 2.1.1 as data.europa.eu converts it, with the shapes of both run for compliance."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.namespace import DCAT, DCTERMS

from ckpld.config import Settings
from tests.conftest import ROOT
from tests.mqa import MAXIMUM, SPDX, datasets, indicators, score, to_dcat_ap_2
from tests.test_catalog import SHAPES, results, shapes

SHAPES_2 = "conformance/dcat-ap/2.1.1/dcat-ap_2.1.1_shacl_"


@pytest.fixture(scope="module")
def served(app: Flask) -> rdflib.Graph:
    body = app.test_client().get("/catalog").data
    return rdflib.Graph().parse(data=body, format="turtle")


def head_status(client: FlaskClient, settings: Settings) -> Callable[[str], int]:
    def status(url: str) -> int:
        assert url.startswith(settings.base_iri), url
        return client.head("/" + url[len(settings.base_iri) :]).status_code

    return status


def violations(graph: rdflib.Graph, *files: str) -> list[tuple[str, str, str]]:
    found = []
    for relative in files:
        found += [r for r in results(graph, shapes(relative)) if r[0] == "Violation"]
    return found


def test_the_served_catalogue_scores_405(
    served: rdflib.Graph, client: FlaskClient, settings: Settings
) -> None:
    assert violations(served, SHAPES + "shapes.ttl", SHAPES + "range.ttl") == []
    (dataset,) = datasets(served)
    points = score(served, dataset, head_status(client, settings), compliant=True)
    assert sum(points.values()) == MAXIMUM, points


def test_after_conversion_to_dcat_ap_2_it_is_valid_and_still_scores_405(
    served: rdflib.Graph, client: FlaskClient, settings: Settings
) -> None:
    converted = to_dcat_ap_2(served)
    # before the conversion, 2.1.1 objects only to what the two versions disagree on
    objections = {path for _, _, path in violations(served, SHAPES_2 + "shapes.ttl")}
    assert objections == {str(DCAT.byteSize), str(SPDX.algorithm)}
    assert violations(converted, SHAPES_2 + "shapes.ttl", SHAPES_2 + "range.ttl") == []
    (dataset,) = datasets(converted)
    points = score(converted, dataset, head_status(client, settings), compliant=True)
    assert sum(points.values()) == MAXIMUM, points


def test_the_score_drops_with_what_is_missing(
    served: rdflib.Graph, client: FlaskClient, settings: Settings
) -> None:
    (dataset,) = datasets(served)
    poorer = rdflib.Graph()
    for s, p, o in served:
        if p in (DCAT.keyword, DCTERMS.accessRights):
            continue
        if p == DCAT.downloadURL and str(o).endswith(".ttl"):  # one of five distributions
            o = rdflib.URIRef(settings.base_iri + "dumps/missing.ttl")
        poorer.add((s, p, o))
    points = score(poorer, dataset, head_status(client, settings), compliant=False)
    assert points["keyword"] == 0 and points["accessRights"] == 0
    assert points["access rights from the EU table"] == 0
    assert points["downloadURL answers"] == pytest.approx(30 * 4 / 5)
    assert points["downloadURL"] == 20  # still given, just broken
    expected = MAXIMUM - 30 - 10 - 5 - 30 / 5 - 30
    assert sum(points.values()) == pytest.approx(expected), points


def test_the_documented_table_is_the_scorer_s(
    served: rdflib.Graph, client: FlaskClient, settings: Settings
) -> None:
    text = (ROOT / "docs" / "harvesting.md").read_text(encoding="utf-8")
    table = text[text.index("| indicator | points | ckpld |") :].split("\n\n", 1)[0]
    rows = [line.split("|")[1:4] for line in table.splitlines()[2:]]
    documented = {
        name.strip(" *"): (float(points.strip(" *")), float(got.strip(" *")))
        for name, points, got in rows
    }
    (dataset,) = datasets(served)
    points = score(served, dataset, head_status(client, settings), compliant=True)
    maxima = {i.name: float(i.points) for i in indicators(lambda url: 200)}
    maxima["DCAT-AP compliance"] = 30.0
    assert documented.pop("total") == (MAXIMUM, sum(points.values()))
    assert documented == {name: (maxima[name], got) for name, got in points.items()}
