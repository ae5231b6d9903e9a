"""The dane.gov.pl feed: valid against the portal's schema, read the way the portal reads it, and
saying what the catalogue says."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import xmlschema
from flask import Flask
from flask.testing import FlaskClient

from ckpld.config import Settings
from ckpld.errors import NotFoundError
from ckpld.publish.dane_gov_pl import NAMESPACE, feed
from ckpld.publish.publication import Publication, publish
from ckpld.web.app import create_app
from tests.conftest import data_copy, shared_path

FEED, DIGEST = "/harvest/dane-gov-pl.xml", "/harvest/dane-gov-pl.md5"
XSD = "conformance/dane-gov-pl/xml_import_otwarte_dane_1_10.xsd"
DCT, DCAT = "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    """The portal's schema, read by the library the portal validates with."""
    return xmlschema.XMLSchema(shared_path(XSD))


@pytest.fixture(scope="module")
def published(app: Flask) -> Publication:
    pub = app.extensions["ckpld"]
    assert isinstance(pub, Publication)
    return pub


def decoded(schema: xmlschema.XMLSchema, body: bytes) -> dict[str, Any]:
    """The feed as the portal's importer sees it: validated, then decoded to a dict."""
    text = body.decode("utf-8")
    schema.validate(text)
    result = schema.to_dict(text)
    assert isinstance(result, dict)
    return result


def values(pub: Publication, subject: str, predicate: str) -> list[ox.NamedNode | ox.Literal]:
    found = []
    for t in pub.catalogue:
        if t.subject == ox.NamedNode(subject) and t.predicate.value == predicate:
            assert isinstance(t.object, ox.NamedNode | ox.Literal)
            found.append(t.object)
    return found


def text(pub: Publication, subject: str, predicate: str, language: str) -> str:
    (found,) = [
        v.value
        for v in values(pub, subject, predicate)
        if isinstance(v, ox.Literal) and v.language == language
    ]
    return found


def test_the_feed_is_valid_with_the_default_namespace(
    client: FlaskClient, schema: xmlschema.XMLSchema
) -> None:
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == f"{{{NAMESPACE}}}datasets"
    assert b"<datasets xmlns=" in response.data and b"xmlns:" not in response.data  # no prefix
    assert list(decoded(schema, response.data)) == ["@xmlns", "dataset"]


def test_every_field_says_what_the_catalogue_says(
    client: FlaskClient, schema: xmlschema.XMLSchema, published: Publication
) -> None:
    (dataset,) = decoded(schema, client.get(FEED).data)["dataset"]
    settings = published.settings
    iri = settings.dataset_iri
    assert dataset["extIdent"] == settings.dataset_id and len(dataset["extIdent"]) <= 36
    for field, predicate in (("title", DCT + "title"), ("description", DCT + "description")):
        assert dataset[field] == {
            "polish": text(published, iri, predicate, "pl"),
            "english": text(published, iri, predicate, "en"),
        }
    assert dataset["url"] == settings.base_iri
    assert dataset["updateFrequency"] == "notApplicable"  # IRREG: 1.10 has no "irregular"
    assert dataset["categories"] == {"category": ["EDUC"]}
    keywords = [
        {"@lang": v.language, "$": v.value}
        for v in values(published, iri, DCAT + "keyword")
        if isinstance(v, ox.Literal)
    ]
    assert sorted(dataset["tags"]["tag"], key=str) == sorted(keywords, key=str)
    conditions = dataset["conditions"]
    assert conditions["dbOrCopyrightedLicenseChosen"] == "CC BY 4.0"
    assert "CC BY 4.0" in conditions["dbOrCopyrighted"] and conditions["source"] is True
    modified = values(published, iri, DCT + "modified")[0].value
    assert dataset["lastUpdateDate"] == modified


def test_one_resource_per_dump_then_the_services_and_the_catalogue(
    client: FlaskClient, schema: xmlschema.XMLSchema, published: Publication
) -> None:
    (dataset,) = decoded(schema, client.get(FEED).data)["dataset"]
    resources = dataset["resources"]["resource"]
    base = published.settings.base_iri
    distributions = values(published, published.settings.dataset_iri, DCAT + "distribution")
    dumps = [values(published, d.value, DCAT + "downloadURL")[0].value for d in distributions]
    assert [r["url"] for r in resources] == [*dumps, base, base + "sparql", base + "catalog"]
    assert len({r["extIdent"] for r in resources}) == len(resources)
    modified = values(published, published.settings.dataset_iri, DCT + "modified")[0].value
    for resource, node in zip(resources, [d.value for d in distributions], strict=False):
        assert resource["title"]["polish"] == text(published, node, DCT + "title", "pl")
        assert resource["description"]["english"] == text(
            published, node, DCT + "description", "en"
        )
    for resource in resources:
        assert resource["url"].startswith(base) and resource["url"].startswith("https://")
        assert re.fullmatch(r"[0-9a-f-]{36}", resource["extIdent"])
        assert resource["title"]["polish"] and resource["description"]["polish"]
        assert resource["availability"] == "remote"
        assert resource["dataDate"] == modified[:10]


def test_the_digest_file_holds_only_the_md5_of_the_feed(client: FlaskClient) -> None:
    body = client.get(FEED).data
    digest = client.get(DIGEST)
    assert digest.status_code == 200 and digest.mimetype == "text/plain"
    assert digest.data.decode() == hashlib.md5(body, usedforsecurity=False).hexdigest()
    # the portal's rule: the whole body, lowercased, trailing whitespace stripped
    assert digest.data.decode().lower().rstrip() == hashlib.md5(body).hexdigest()


def test_the_same_bytes_every_time_with_validators_and_head(client: FlaskClient) -> None:
    first, again = client.get(FEED), client.get(FEED)
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    assert client.get(FEED, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    head = client.head(FEED)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(first.data))
    assert head.headers["Content-Type"] == first.headers["Content-Type"]
    digest = client.get(DIGEST)
    assert client.get(DIGEST, headers={"If-None-Match": digest.headers["ETag"]}).status_code == 304


def _feed_of(settings: Settings) -> bytes:
    pub = publish(settings)
    pub.release()
    return feed(pub.catalogue).body


def test_a_fresh_clone_gives_the_same_bytes(
    settings: Settings, tmp_path: Path, client: FlaskClient
) -> None:
    first = _feed_of(data_copy(settings, tmp_path / "one", 1_700_000_000))
    second = _feed_of(data_copy(settings, tmp_path / "two", 1_800_000_000))
    assert first == second == client.get(FEED).data


def test_identifiers_stay_when_the_data_changes(
    settings: Settings, tmp_path: Path, schema: xmlschema.XMLSchema, client: FlaskClient
) -> None:
    changed = replace(
        data_copy(settings, tmp_path / "changed", 1_700_000_000), validate_on_start=False
    )
    page = changed.data_dir / "page.ttl"
    page.write_text(page.read_text(encoding="utf-8") + '\n<id/x> <https://schema.org/name> "x" .\n')
    before = decoded(schema, client.get(FEED).data)["dataset"][0]
    after = decoded(schema, _feed_of(changed))["dataset"][0]

    def identifiers(dataset: dict[str, Any]) -> list[str]:
        return [dataset["extIdent"], *(r["extIdent"] for r in dataset["resources"]["resource"])]

    assert before["lastUpdateDate"] != after["lastUpdateDate"]  # another data version
    assert identifiers(before) == identifiers(after)


def _substituted(
    pub: Publication, predicate: str, old: ox.NamedNode | ox.Literal, new: ox.NamedNode | ox.Literal
) -> list[ox.Triple]:
    out = []
    for t in pub.catalogue:
        if t.predicate.value == predicate and t.object == old:
            t = ox.Triple(t.subject, t.predicate, new)
        out.append(t)
    return out


def test_frequencies_map_to_the_schema_s_words(
    published: Publication, schema: xmlschema.XMLSchema
) -> None:
    eu = "http://publications.europa.eu/resource/authority/frequency/"
    for code, word in (("MONTHLY", "monthly"), ("ANNUAL_2", "everyHalfYear"), ("NEVER", None)):
        triples = _substituted(
            published,
            DCT + "accrualPeriodicity",
            ox.NamedNode(eu + "IRREG"),
            ox.NamedNode(eu + code),
        )
        (dataset,) = decoded(schema, feed(triples).body)["dataset"]
        assert dataset["updateFrequency"] == (word or "notApplicable")


def test_what_the_schema_cannot_take_is_refused_with_its_reason(published: Publication) -> None:
    title = values(published, published.settings.dataset_iri, DCT + "title")[0]
    assert isinstance(title, ox.Literal)
    long = ox.Literal("x" * 301, language=title.language)
    with pytest.raises(NotFoundError, match=r"301 characters; dane\.gov\.pl takes 300"):
        feed(_substituted(published, DCT + "title", title, long))


def test_an_http_base_gets_a_clear_404(settings: Settings, tmp_path: Path) -> None:
    own = replace(settings, base_iri="http://example.org/", dumps_dir=tmp_path / "dumps")
    app = create_app(own)  # (its own dumps: a release elsewhere would replace the shared one)
    response = app.test_client().get(FEED, headers={"Accept": "application/problem+json"})
    assert response.status_code == 404 and response.json is not None
    assert "takes only https URLs" in response.json["detail"]


def test_versions_stay_out_of_the_feed(history: Settings, schema: xmlschema.XMLSchema) -> None:
    # the catalogue holds every release as a dataset; the portal gets the one it lists
    client = create_app(history).test_client()
    found = decoded(schema, client.get("/harvest/dane-gov-pl.xml").data)
    (dataset,) = found["dataset"]
    assert dataset["extIdent"] == history.dataset_id
