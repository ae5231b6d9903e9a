"""Prefixed names in code are checked against their vocabularies: a misspelt term is an error,
not a new IRI in the catalogue."""

from __future__ import annotations

import re

import pytest

from ckpld.rdf.namespaces import STANDARD, node, term
from ckpld.rdf.triples import iri
from tests.conftest import ROOT


def test_known_terms_give_their_iris() -> None:
    assert term("dct:title") == "http://purl.org/dc/terms/title"
    assert term("dcat:version") == "http://www.w3.org/ns/dcat#version"  # DCAT 3
    assert term("sd:BasicFederatedQuery").endswith("sparql-service-description#BasicFederatedQuery")
    assert node("void:triples") == "<http://rdfs.org/ns/void#triples>"
    assert iri("schema:startDate").value == "https://schema.org/startDate"


@pytest.mark.parametrize("name", ["dct:titel", "dcat:Dataset2", "sd:endpoints", "void:Triples"])
def test_unknown_terms_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="has no term"):
        term(name)
    with pytest.raises(ValueError, match="has no term"):
        iri(name)


def test_open_vocabularies_and_full_iris_pass() -> None:
    assert iri("vcard:fn").value == STANDARD["vcard"] + "fn"  # no term list for vCard here
    assert iri("https://example.org/x").value == "https://example.org/x"
    with pytest.raises(ValueError):
        term("nope:x")


def test_the_catalogue_and_void_builders_name_no_vocabulary_iri_in_full() -> None:
    for module in ("catalog", "void", "metadata"):
        source = (ROOT / "ckpld" / "publish" / f"{module}.py").read_text(encoding="utf-8")
        spelled = [
            found
            for namespace in STANDARD.values()
            for found in re.findall(rf'"{re.escape(namespace)}[A-Za-z]+', source)
        ]
        assert spelled == [], module
