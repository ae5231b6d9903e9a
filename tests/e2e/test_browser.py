"""The HTML pages in a real browser: Debian's Chromium, driven by Playwright, on the real server.

Playwright never downloads a browser here: it launches the `chromium` Debian package (`make test`
installs it) headless with --no-sandbox. Every page runs in a fresh browser context whose requests
are recorded; a request for any host other than 127.0.0.1 is aborted and listed, and the tests
check that list is empty, as they check the console for errors. Accessibility is checked with
axe-core (installed by `npm ci`), injected with `page.evaluate` so that no Content-Security-Policy
can block it. Screenshots go to $CKPLD_ARTIFACTS/screenshots/ (default: test-artifacts/).

Expectations that depend on the data (partner names, cities, events) come from the server itself,
by SPARQL, never from constants here.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    Route,
    ViewportSize,
    expect,
    sync_playwright,
)

from ckpld.config import Settings
from tests.conftest import ROOT
from tests.e2e.conftest import LiveServer, serving

pytestmark = pytest.mark.e2e

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("CKPLD_ARTIFACTS") or ROOT / "test-artifacts") / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
PUBLISHER = "id/organization/centrum-kultury-podgorza"
TIMEOUT_MS = 10_000

PARTNERS = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX ckp: <def/ckp#>
SELECT DISTINCT ?partner ?place ?pl ?en WHERE {
  ?partnership a ckp:Partnership ; ckp:partner ?partner .
  ?partner a org:Organization .
  FILTER (?partner != <%PUBLISHER%>)
  OPTIONAL { ?partner schema:location ?place }
  OPTIONAL { ?partner schema:name ?pl FILTER (LANG(?pl) = "pl") }
  OPTIONAL { ?partner schema:name ?en FILTER (LANG(?en) = "en") }
}
ORDER BY ?partner
""".replace("%PUBLISHER%", PUBLISHER)

PARTNERSHIP_GROUPS = """
PREFIX schema: <https://schema.org/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ckp: <def/ckp#>
SELECT DISTINCT ?start ?letter WHERE {
  ?partnership a ckp:Partnership .
  OPTIONAL { ?partnership ckp:letterOfIntent/dct:date ?letterDate }
  OPTIONAL { ?partnership schema:startDate ?joined }
  BIND (COALESCE(?letterDate, ?joined) AS ?start)
  BIND (BOUND(?letterDate) AS ?letter)
}
"""

MEMBERSHIPS = """
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?membership WHERE { ?membership a org:Membership ; org:memberDuring ?interval }
"""


# --- what the server says (by SPARQL) ------------------------------------------------------------


def select(server: LiveServer, query: str) -> list[dict[str, str]]:
    """A SELECT query POSTed to the live endpoint: its rows, variable -> value."""
    response = requests.post(
        server.url + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return [
        {name: cell["value"] for name, cell in row.items()}
        for row in response.json()["results"]["bindings"]
    ]


@dataclass(frozen=True)
class Partner:
    iri: str
    path: str  # the IRI's path on the server: /id/organization/{slug}
    place: str | None
    names: dict[str, str]  # language -> schema:name

    @property
    def pages(self) -> set[str]:
        """The paths that show this partner: its IRI (303) and its document."""
        return {self.path, self.path.replace("/id/", "/doc/", 1)}


@dataclass(frozen=True)
class Facts:
    partners: list[Partner]
    events: int  # partnership groups (start date, by letter or not) + memberships with a period

    def by_place(self) -> Counter[frozenset[str]]:
        """For each place, the set of its partners' paths (a multiset: one entry per place)."""
        places: dict[str, set[str]] = {}
        for p in self.partners:
            if p.place:
                places.setdefault(p.place, set()).add(p.path)
        return Counter(frozenset(paths) for paths in places.values())

    def partner_at(self, url: str) -> Partner | None:
        path = urlsplit(url).path
        return next((p for p in self.partners if path in p.pages), None)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """One real server (gunicorn, one worker, 127.0.0.1) for this module's tests."""
    with serving("--workers", "1") as live:
        yield live


@pytest.fixture(scope="module")
def facts(server: LiveServer, settings: Settings) -> Facts:
    base = settings.base_iri
    partners = [
        Partner(
            iri=row["partner"],
            path="/" + row["partner"].removeprefix(base),
            place=row.get("place"),
            names={lang: row[lang] for lang in ("pl", "en") if lang in row},
        )
        for row in select(server, PARTNERS)
    ]
    assert partners, "the server names no partner"
    assert all(p.iri.startswith(base + "id/organization/") for p in partners), partners
    assert len({p.iri for p in partners}) == len(partners), "one name per language expected"
    events = len(select(server, PARTNERSHIP_GROUPS)) + len(select(server, MEMBERSHIPS))
    return Facts(partners, events)


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (--no-sandbox: the tests run as root). Never a downloaded one."""
    executable = shutil.which("chromium")
    assert executable, "make test installs Debian's chromium package"
    chromium = playwright.chromium.launch(
        executable_path=executable, args=["--no-sandbox"], headless=True
    )
    try:
        yield chromium
    finally:
        chromium.close()


@dataclass
class Tab:
    """A fresh browser context with one page, and what happened in it."""

    server: LiveServer
    context: BrowserContext
    page: Page
    requested: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # requests for other hosts, all aborted
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions

    def goto(self, path: str) -> Response:
        response = self.page.goto(self.server.url + path)
        assert response is not None, path
        return response

    def html_lang(self) -> str:
        return str(self.page.evaluate("document.documentElement.lang"))

    def assert_clean(self) -> None:
        assert self.outside == [], f"requests outside 127.0.0.1: {self.outside}"
        assert self.errors == [], f"console errors on {self.page.url}: {self.errors}"


OpenTab = Callable[..., Tab]


@pytest.fixture
def open_tab(browser: Browser, server: LiveServer) -> Iterator[OpenTab]:
    """Opens a fresh context and page (locale pl-PL and desktop width unless told otherwise);
    every one is closed after the test."""
    contexts: list[BrowserContext] = []

    def open_(locale: str = "pl-PL", viewport: ViewportSize = DESKTOP) -> Tab:
        context = browser.new_context(
            locale=locale,
            viewport=viewport,
            service_workers="block",
        )
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        tab = Tab(server, context, context.new_page())

        def route(route: Route) -> None:
            url = route.request.url
            tab.requested.append(url)
            if urlsplit(url).hostname == "127.0.0.1":
                route.continue_()
            else:
                tab.outside.append(url)
                route.abort()

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                tab.errors.append(f"{message.text} ({message.location.get('url')})")

        context.route("**/*", route)
        tab.page.on("console", console)
        tab.page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))
        return tab

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def tab(open_tab: OpenTab) -> Tab:
    return open_tab()


def main_pages(facts: Facts) -> dict[str, tuple[str, str]]:
    """The main pages: name -> (path, locale)."""
    return {
        "home-pl": ("/", "pl-PL"),
        "home-en": ("/", "en-GB"),
        "partner": (facts.partners[0].path, "pl-PL"),
        "sparql": ("/sparql", "en-GB"),
        "catalog": ("/catalog?_format=html", "en-GB"),
        "dataset": ("/id/dataset/instytucje-partnerskie", "en-GB"),
        "dumps": ("/dumps/", "en-GB"),
        "vocabulary": ("/def/ckp", "pl-PL"),
    }


# A link's address, absolute, whether an HTML <a> or an SVG <a> (href or xlink:href).
HREF = (
    "a => new URL(a.getAttribute('href') ?? a.getAttribute('xlink:href') ?? '', location.href).href"
)


def partner_links(page: Page, facts: Facts) -> dict[str, list[str]]:
    """Every link in the page to a partner's page: partner path -> absolute hrefs."""
    hrefs: list[str] = page.evaluate(f"[...document.querySelectorAll('a')].map({HREF})")
    found: dict[str, list[str]] = {}
    for href in hrefs:
        partner = facts.partner_at(href)
        if partner and urlsplit(href).hostname == "127.0.0.1":
            found.setdefault(partner.path, []).append(href)
    return found


# --- the harness checks itself -------------------------------------------------------------------


def test_requests_elsewhere_are_aborted_and_listed(tab: Tab) -> None:
    # On a blank page (no Content-Security-Policy of ours to stop the request first), an image
    # from another host is requested, aborted, and listed; nothing of it loads.
    tab.page.set_content('<img src="https://example.org/pixel.png" alt="">')
    assert tab.outside == ["https://example.org/pixel.png"]
    assert tab.page.evaluate("document.images[0].complete && document.images[0].naturalWidth") == 0
    # The server's own requests go through, recorded but not listed.
    assert tab.goto("/").status == 200
    assert tab.server.url + "/" in tab.requested
    assert tab.outside == ["https://example.org/pixel.png"]
    # Console errors are collected.
    tab.page.evaluate("console.error('deliberate')")
    assert any("deliberate" in e for e in tab.errors), tab.errors


# --- every main page -----------------------------------------------------------------------------


def test_main_pages_request_nothing_outside(tab: Tab, facts: Facts) -> None:
    visited = []
    for name, (path, _locale) in main_pages(facts).items():
        response = tab.goto(path)
        assert response.status == 200, (name, response.status)
        tab.page.wait_for_load_state("networkidle")
        visited.append(tab.page.url)
    assert len(set(tab.requested)) > len(visited)  # the pages' styles and scripts were seen too
    assert tab.outside == [], f"requests outside 127.0.0.1: {tab.outside}"
    assert tab.errors == [], tab.errors


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize(
    "name",
    ["home-pl", "home-en", "partner", "sparql", "catalog", "dataset", "dumps", "vocabulary"],
)
def test_main_page_renders_and_is_screenshot(
    open_tab: OpenTab, facts: Facts, name: str, width: ViewportSize
) -> None:
    path, locale = main_pages(facts)[name]
    tab = open_tab(locale=locale, viewport=width)
    response = tab.goto(path)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert tab.html_lang() == locale[:2]
    expect(tab.page.locator("h1")).to_have_count(1)
    assert tab.page.locator("h1").inner_text().strip()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}-{width['width']}.png"
    png = tab.page.screenshot(path=shot, full_page=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    size = struct.unpack(">II", png[16:24])  # the PNG's width and height
    assert size[0] >= width["width"] and size[1] >= width["height"], size
    # the page's opening, for the docs (a long page's whole length is no picture to read)
    top = tab.page.screenshot(
        path=ARTIFACTS / f"{name}-{width['width']}-top.png",
        clip={"x": 0, "y": 0, "width": width["width"], "height": min(size[1], 1600)},
        full_page=True,
    )
    assert struct.unpack(">II", top[16:24]) == (size[0], min(size[1], 1600))
    tab.assert_clean()


# --- home page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "lang"), [("pl-PL", "pl"), ("en-GB", "en")])
def test_home_page_speaks_the_browsers_language(open_tab: OpenTab, locale: str, lang: str) -> None:
    tab = open_tab(locale=locale)
    assert tab.goto("/").status == 200
    assert tab.html_lang() == lang
    tab.assert_clean()


def test_language_switch_changes_the_page_and_keeps_the_language(tab: Tab, facts: Facts) -> None:
    assert tab.goto("/").status == 200
    assert tab.html_lang() == "pl"
    for target in ("en", "pl"):
        switch = tab.page.locator(f'header nav a[hreflang="{target}"]')
        expect(switch).to_have_count(1)
        switch.click()
        tab.page.wait_for_load_state()
        assert tab.html_lang() == target
        assert parse_qs(urlsplit(tab.page.url).query).get("lang") == [target]
        links = partner_links(tab.page, facts)
        assert set(links) == {p.path for p in facts.partners}, links
        for href in (h for hrefs in links.values() for h in hrefs):
            assert parse_qs(urlsplit(href).query).get("lang") == [target], href
        names = tab.page.get_by_role("main").inner_text()
        assert all(p.names[target] in names for p in facts.partners)
    tab.assert_clean()


def test_partner_links_open_the_partners_pages(tab: Tab, facts: Facts) -> None:
    for partner in facts.partners:
        assert tab.goto("/").status == 200
        main = tab.page.get_by_role("main")
        main.get_by_role("link", name=partner.names["pl"], exact=True).first.click()
        expect(tab.page.locator("h1")).to_have_text(partner.names["pl"])
        assert facts.partner_at(tab.page.url) == partner, tab.page.url
    tab.assert_clean()


def test_home_page_fits_a_phone(open_tab: OpenTab) -> None:
    for locale in ("pl-PL", "en-GB"):
        tab = open_tab(locale=locale, viewport=PHONE)
        assert tab.goto("/").status == 200
        widths = tab.page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert widths[1] == PHONE["width"]
        assert widths[0] <= widths[1], f"horizontal scroll on a phone ({locale}): {widths}"
        tab.assert_clean()


# --- keyboard ------------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    href: el.getAttribute('href'),
    text: el.textContent.trim(),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    firstLink: document.querySelector('a[href]') === el,
  };
}"""


def test_tab_reaches_the_first_link_with_visible_focus(tab: Tab) -> None:
    assert tab.goto("/").status == 200
    tab.page.keyboard.press("Tab")
    focused = tab.page.evaluate(FOCUSED)
    assert focused["tag"] == "a" and focused["firstLink"], focused
    assert focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0, focused
    tab.assert_clean()


def test_first_tab_reaches_a_skip_link_to_the_content(tab: Tab) -> None:
    assert tab.goto("/").status == 200
    tab.page.keyboard.press("Tab")
    focused = tab.page.evaluate(FOCUSED)
    href = focused["href"] or ""
    assert focused["tag"] == "a" and href.startswith("#") and len(href) > 1, focused
    assert focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0, focused
    # The link's target is the main content (or inside it) ...
    target = tab.page.locator(f"[id='{href[1:]}']")
    expect(target).to_have_count(1)
    assert target.evaluate("t => !!t.closest('main') || t.contains(document.querySelector('main'))")
    # ... and following it takes the reader there.
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url(lambda url: urlsplit(url).fragment == href[1:], timeout=TIMEOUT_MS)
    tab.assert_clean()


# --- the query page ------------------------------------------------------------------------------


def test_query_page_runs_a_cookbook_query(open_tab: OpenTab, server: LiveServer) -> None:
    recipe = "partners"
    text = (ROOT / "queries" / f"{recipe}.rq").read_text(encoding="utf-8")
    expected = sorted(row["name"] for row in select(server, text))
    assert expected
    tab = open_tab(locale="en-GB")
    assert tab.goto("/sparql").status == 200
    page = tab.page
    expect(page.locator("#yasgui .yasqe .CodeMirror")).to_be_visible()  # the editor replaced...
    expect(page.locator("#query-form")).to_be_hidden()  # ... the plain form
    # A reader picks the cookbook question, opens it in the editor and runs it.
    example = page.locator("ul.examples li", has=page.locator(f'a[href="/queries/{recipe}"]'))
    example.get_by_role("button").click()
    panel = page.locator("#yasgui .tabPanel.active")
    panel.get_by_role("button", name="Run query").click()
    rows = panel.locator(".yasr table tbody tr")
    expect(rows).to_have_count(len(expected))
    shown = rows.all_inner_texts()
    for name in expected:
        assert sum(name in row for row in shown) == 1, (name, shown)
    tab.assert_clean()


# --- accessibility -------------------------------------------------------------------------------

AXE_RUN = """
;axe.run(document, { resultTypes: ['violations'] }).then(result => result.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + '  ' + n.html.slice(0, 160)),
  })))
"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of the page (evaluated, not a <script>: a
    Content-Security-Policy cannot stop it)."""
    found: list[dict[str, Any]] = page.evaluate(AXE.read_text(encoding="utf-8") + AXE_RUN)
    return found


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


def test_axe_finds_what_it_should(tab: Tab) -> None:
    # The checker itself: a page given an image without text and an unlabelled field fails it.
    assert tab.goto("/").status == 200
    tab.page.evaluate(
        """document.querySelector('main').insertAdjacentHTML('beforeend',
        '<img src="/static/favicon.svg"><input type="text" name="nameless">')"""
    )
    ids = {v["id"] for v in axe_violations(tab.page)}
    assert {"image-alt", "label"} <= ids, ids


@pytest.mark.parametrize("name", ["home-pl", "home-en", "partner", "sparql", "vocabulary"])
def test_no_serious_accessibility_violations(open_tab: OpenTab, facts: Facts, name: str) -> None:
    path, locale = main_pages(facts)[name]
    tab = open_tab(locale=locale)
    assert tab.goto(path).status == 200
    tab.page.wait_for_load_state("networkidle")
    violations = axe_violations(tab.page)
    assert violations == [], f"axe on {name} ({path}):\n{describe(violations)}"
    tab.assert_clean()


# --- the map and the timeline --------------------------------------------------------------------

MARKER_LINKS = f"markers => markers.map(m => [...m.querySelectorAll('a')].map({HREF}))"


def test_map_has_a_marker_per_city_linking_its_partners(tab: Tab, facts: Facts) -> None:
    assert tab.goto("/").status == 200
    markers = tab.page.locator("svg.map g.marker")
    expected = facts.by_place()
    expect(markers).to_have_count(sum(expected.values()))
    found: Counter[frozenset[str]] = Counter()
    for hrefs in markers.evaluate_all(MARKER_LINKS):
        partners = [facts.partner_at(h) for h in hrefs]
        assert None not in partners, f"a marker links elsewhere than a partner's page: {hrefs}"
        paths = [p.path for p in partners if p]
        assert len(paths) == len(set(paths)), f"one link per partner in a marker: {hrefs}"
        found[frozenset(paths)] += 1
    assert found == expected
    tab.assert_clean()


def test_timeline_has_an_event_per_partnership_group_and_membership(tab: Tab, facts: Facts) -> None:
    assert tab.goto("/").status == 200
    expect(tab.page.locator("svg.timeline g.event")).to_have_count(facts.events)
    tab.assert_clean()


def test_map_marker_link_opens_a_partner_page(tab: Tab, facts: Facts) -> None:
    assert tab.goto("/").status == 200
    link = tab.page.locator("svg.map g.marker a").first
    expect(link).to_have_count(1)
    link.click()
    tab.page.wait_for_load_state()
    partner = facts.partner_at(tab.page.url)
    assert partner is not None, tab.page.url
    expect(tab.page.locator("h1")).to_have_text(partner.names["pl"])
    tab.assert_clean()
