"""The home page (cards, map, timeline), page safety headers, and HTML validity of every page."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import html5lib
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from ckpld.config import Settings
from ckpld.model.sources import Dataset
from ckpld.rdf.iris import local_path
from ckpld.store.local import LocalStore
from ckpld.web.app import create_app
from ckpld.web.i18n import translate
from ckpld.web.pages.overview import overview, overview_of
from ckpld.web.pages.timeline import events
from ckpld.web.policy import CONTENT_SECURITY_POLICY
from ckpld.web.views import home
from tests.conftest import ROOT
from tests.terms import as_literal

HTML = {"Accept": "text/html"}
SVG = "{http://www.w3.org/2000/svg}"
INTRO = (
    "The foreign partner institutions of %(name)s in %(home)s, as Linked Open "
    "Data. The facts of %(publisher)s's web page are shown with the words they were taken from; "
    "names in other languages, identifiers, coordinates and the countries the page does not name "
    "were added from other sources, each with its evidence."
)


def page(client: FlaskClient, path: str, lang: str = "pl") -> ET.Element:
    response = client.get(path, headers={**HTML, "Accept-Language": lang})
    assert response.status_code == 200, path
    return cast(
        ET.Element, html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)
    )


def child(element: ET.Element, path: str) -> ET.Element:
    """The first element at `path` under `element`, which must be there."""
    first = element.find(path)
    assert first is not None, path
    return first


def by_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(tag) if name in (e.get("class") or "").split()]


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_home_page_explains_the_dataset_in_the_page_language(
    client: FlaskClient, lang: str
) -> None:
    root = page(client, "/", lang)
    assert root.get("lang") == lang
    lead = by_class(root, "p", "lead")[0]
    home = {"pl": "Kraków", "en": "Kraków"}[lang]  # the data's names of CKP's city
    names = {"name": "Centrum Kultury Podgórza", "home": home, "publisher": "CKP"}
    assert lead.text == translate(lang, INTRO, **names)
    assert lang == "en" or lead.text != INTRO % names  # Polish is really Polish


def test_one_card_per_partner_with_own_language_names(
    client: FlaskClient, store: LocalStore, settings: Settings
) -> None:
    facts = overview(store, settings.publisher_iri)
    cards = by_class(page(client, "/"), "li", "card")
    assert len(cards) == len(facts.partners)
    hrefs = [child(c, "h3/a").get("href") for c in cards]
    assert hrefs == ["/" + p.iri[len(settings.base_iri) :] for p in facts.partners]
    own = {s.get("lang") for c in cards for s in c.iter("span") if s.get("lang")}
    assert {"lt", "sk", "hr"} <= own  # Lithuanian, Slovak and Croatian names, where known


def test_map_has_one_marker_per_partner_city_and_a_dot_per_partner(
    client: FlaskClient, store: LocalStore, settings: Settings
) -> None:
    facts = overview(store, settings.publisher_iri)
    root = page(client, "/?lang=en")
    (svg,) = [e for e in root.iter(SVG + "svg") if e.get("class") == "map"]
    markers = [g for g in svg.iter(SVG + "g") if g.get("class") == "marker"]
    cities = facts.cities()
    assert [g.get("data-place") for g in markers] == [c.iri for c, _ in cities]
    for marker, (_, partners) in zip(markers, cities, strict=True):
        links = [a.get("href") for a in marker.iter(SVG + "a")]
        assert links == [
            "/" + p.iri[len(settings.base_iri) :] + "?lang=en" for p in partners
        ]  # each dot opens its partner's page, in the chosen language
    routes = [e for e in svg.iter(SVG + "line") if e.get("class") == "route"]
    assert len(routes) == len(cities)
    land = [g for g in svg.iter(SVG + "g") if g.get("class") == "land"]
    assert land and len(list(land[0])) > 20  # country outlines, served with the page


def test_timeline_has_one_event_per_relationship_event(
    client: FlaskClient, store: LocalStore, settings: Settings
) -> None:
    found = events(overview(store, settings.publisher_iri))
    root = page(client, "/")
    (svg,) = [e for e in root.iter(SVG + "svg") if e.get("class") == "timeline"]
    drawn = [g for g in svg.iter(SVG + "g") if "event" in (g.get("class") or "").split()]
    assert len(drawn) == len(found)
    assert [g.get("data-precision") for g in drawn] == [e.precision for e in found]
    membership = drawn[-1]
    assert membership.get("data-start") == "2019-04"
    assert "kwiecień 2019 \u2013 wrzesień 2020" in "".join(membership.itertext())


def test_pages_send_a_strict_content_security_policy_and_obey_it(client: FlaskClient) -> None:
    response = client.get("/", headers=HTML)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert (
        "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
        and "default-src 'none'" in CONTENT_SECURITY_POLICY
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for path in ("/", "/doc/organization/encc", "/sparql", "/def/ckp"):
        root = page(client, path)
        for element in root.iter():
            assert element.get("style") is None, (path, element.tag)
            assert not any(name.startswith("on") for name in element.attrib), (path, element.tag)
            for attribute in ("src",):
                value = element.get(attribute)
                assert value is None or value.startswith("/"), (path, value)  # nothing external
        for script in root.iter("script"):
            assert script.get("src") or script.get("type") in (
                "application/ld+json",
                "application/json",
            )
        for link in root.iter("link"):
            if link.get("rel") in ("stylesheet", "icon"):
                assert link.get("href", "").startswith("/")
    data = client.get("/doc/organization/encc.ttl")
    assert "Content-Security-Policy" not in data.headers  # pages only


def every_page(settings: Settings, dataset: Dataset) -> list[str]:
    things = {
        "/" + t.value[len(settings.base_iri) :].split("#")[0]
        for q in dataset.quads
        for t in (q.subject, q.object)
        if hasattr(t, "value") and t.value.startswith(settings.base_iri + "id/")
    }
    recipes = [f"/queries/{p.stem}" for p in sorted((ROOT / "queries").glob("*.rq"))]
    return (
        sorted(things)
        + recipes
        + ["/", "/def/ckp", "/sparql", "/queries", "/catalog", "/void", "/dumps/"]
    )


def test_every_page_is_valid_html5(
    client: FlaskClient, settings: Settings, dataset: Dataset
) -> None:
    paths = every_page(settings, dataset)
    assert len(paths) > 80
    parser = html5lib.HTMLParser(strict=True)
    for lang in ("pl", "en"):
        for path in paths:
            response = client.get(
                path, headers={**HTML, "Accept-Language": lang}, follow_redirects=True
            )
            assert response.status_code == 200, path
            assert response.mimetype == "text/html", path
            parser.parse(response.get_data(as_text=True))  # raises at the first parse error
    missing = client.get("/id/organization/nobody", headers=HTML)
    assert missing.status_code == 404
    parser.parse(missing.get_data(as_text=True))


def test_a_chosen_language_is_kept_in_the_links(client: FlaskClient) -> None:
    for path in ("/queries/", "/sparql", "/?lang=en"):
        html = client.get(path + ("" if "?" in path else "?lang=en"), headers=HTML).get_data(
            as_text=True
        )
        main = html.split('<main id="main"')[1]
        local = [
            href
            for href in (part.split('"', 1)[0] for part in main.split('href="')[1:])
            if href.startswith("/")
            and not href.startswith(("/dumps/", "/def/shapes", "/static"))
            and "."
            not in href.rsplit("/", 1)[-1].split("?")[0]  # files and formats have no language
        ]
        assert local, path
        assert all("lang=en" in href for href in local), (
            path,
            [h for h in local if "lang=en" not in h],
        )


def test_a_home_page_of_thousands_shows_the_earliest_and_links_to_all(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = overview_of(app.extensions["ckpld"])
    assert len(facts.partners) > 3
    monkeypatch.setattr(home, "HOME_PARTNERS", 3)  # as if the data held more than the page shows
    monkeypatch.setattr(home, "HOME_MEMBERSHIPS", 0)
    for lang in ("en", "pl"):
        with app.test_request_context("/", headers={"Accept-Language": lang}):
            body = home._home(lang, False).body.decode()
        root = html5lib.parse(body, namespaceHTMLElements=False)
        cards = by_class(root, "li", "card")
        hrefs = [child(c, "h3/a").get("href") for c in cards]
        assert hrefs == [
            local_path(app.extensions["ckpld"].settings.base_iri, p.iri) for p in facts.partners[:3]
        ]
        more, memberships = by_class(root, "p", "more")
        assert str(len(facts.memberships)) in "".join(memberships.itertext())
        assert not [e for e in root.iter("h2") if (e.get("id") or "").startswith("membership-")]
        assert child(more, "a").get("href") == "/queries/partners"
        text = "".join(more.itertext())
        assert "3" in text and str(len(facts.partners)) in text
        assert lang == "en" or "partnerów" in text
        dots = [
            a.get("href")
            for g in root.iter(SVG + "g")
            if g.get("class") == "marker"
            for a in g.iter(SVG + "a")
        ]
        assert dots and set(dots) <= set(hrefs)  # the map shows the partners the cards show


def test_a_home_page_that_shows_everyone_says_nothing_more(client: FlaskClient) -> None:
    assert by_class(page(client, "/?lang=en"), "p", "more") == []


def _markup(html: str) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_landing_page_describes_the_dataset_for_search_engines(
    client: FlaskClient, settings: Settings, lang: str
) -> None:
    html = client.get("/", headers={"Accept": "text/html", "Accept-Language": lang}).text
    (dataset,) = [m for m in _markup(html) if m.get("@type") == "Dataset"]
    catalog = rdflib.Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    iri = rdflib.URIRef(settings.dataset_iri)
    dct, dcat = rdflib.namespace.DCTERMS, rdflib.namespace.DCAT

    def text(node: rdflib.term.Node, prop: rdflib.URIRef) -> str:
        (found,) = [o for o in catalog.objects(node, prop) if getattr(o, "language", None) == lang]
        return str(found)

    assert dataset["name"] == text(iri, dct.title)
    assert 50 <= len(dataset["description"]) <= 5000  # Google's bounds
    assert dataset["description"] == text(iri, dct.description)
    assert dataset["url"] == settings.base_iri and dataset["identifier"] == settings.dataset_id
    assert dataset["license"] == settings.license and dataset["publisher"]["name"]
    assert sorted(dataset["keywords"]) == sorted(
        str(k)
        for k in catalog.objects(iri, dcat.keyword)
        if k.language == lang  # type: ignore[attr-defined]
    )
    assert dataset["temporalCoverage"] == "2018/2020"
    assert len(dataset["spatialCoverage"]) == 8
    assert all(p["name"] and p["sameAs"] for p in dataset["spatialCoverage"])
    downloads = {d["contentUrl"] for d in dataset["distribution"]}
    assert downloads == {str(u) for u in catalog.objects(None, dcat.downloadURL)}
    assert all(
        d["encodingFormat"] and d["@type"] == "DataDownload" for d in dataset["distribution"]
    )
    assert dataset["includedInDataCatalog"]["url"] == settings.base_iri + "catalog"
    version = rdflib.URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3: not in rdflib's
    assert dataset["version"] == str(catalog.value(iri, version))
    modified = catalog.value(iri, dct.modified)
    assert datetime.fromisoformat(dataset["dateModified"]) == as_literal(modified).toPython()


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_footer_names_publisher_creator_and_software_apart(
    client: FlaskClient, settings: Settings, lang: str, tmp_path: Path
) -> None:
    from ckpld import __version__

    html = client.get("/", headers={**HTML, "Accept-Language": lang}).text
    footer = html.split('<footer class="site">')[1]
    publisher = "Centrum Kultury Podgórza" if lang == "pl" else "Podgórze Cultural Centre"
    assert publisher in footer and f"ckpld {__version__}" in footer
    assert "Published by ckpld for" not in footer  # no fixed claim
    assert ("Compiled by" not in footer) and ("Opracowanie" not in footer)  # not set: not said
    own = replace(settings, creator="id/organization/encc", dumps_dir=tmp_path / "dumps")
    app = create_app(own)
    footer = app.test_client().get("/", headers=HTML).text.split('<footer class="site">')[1]
    assert "European Network of Cultural Centres" in footer
    catalog = rdflib.Graph().parse(data=app.test_client().get("/catalog.ttl").data, format="turtle")
    creator = rdflib.URIRef(own.creator_iri)
    assert (rdflib.URIRef(own.dataset_iri), rdflib.namespace.DCTERMS.creator, creator) in catalog


@pytest.mark.parametrize(("lang", "words"), [("pl", "dwuznaczne"), ("en", "ambiguous")])
def test_the_membership_role_shows_with_its_ambiguity(
    client: FlaskClient, lang: str, words: str
) -> None:
    html = client.get("/", headers={**HTML, "Accept-Language": lang}).text
    section = html.split('aria-labelledby="membership-1"')[1].split("</section>")[0]
    assert '<small class="note">' in section and words in section
