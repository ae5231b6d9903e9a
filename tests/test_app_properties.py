"""Whatever a client sends, the application answers soundly (hypothesis, through the WSGI app).

Every route family, with any method, path, query string, Accept and Accept-Language: the answer is
a 2xx or 3xx (a redirect with a Location), or a 4xx with a message in the format the client
negotiated (problem+json with `detail`, or an HTML page); never a 5xx, a traceback, or a line of
a file outside the served folders. Requests go in as raw bytes (see tests.hostile), so `..`,
`%2e%2e`, `%2f`, NUL, invalid UTF-8 and repeated parameters reach the application as sent.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from ckpld.rdf.formats import FORMATS, HTML, RDF_FORMATS
from ckpld.web.conneg import language, negotiate
from tests.hostile import (
    ACCEPT_LANGUAGES,
    ACCEPTS,
    BAD_BYTES,
    PARAMETER_VALUES,
    REAL_ACCEPTS,
    assert_sound,
    call,
    query_strings,
)


def examples(n: int) -> int:
    """`n` examples under the default profile, scaled with the profile (ten times: thorough)."""
    profile = settings.default
    assert profile is not None  # conftest loads one
    return max(1, n * profile.max_examples // 100)


APP_SETTINGS = settings(
    max_examples=examples(120),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Route families, each with names that exist (so that the 2xx paths are explored too).
FAMILIES = {
    "/": ["", "robots.txt", "context.jsonld", "favicon.ico"],
    "/id/": ["organization/encc", "place/wilno", "dataset/instytucje-partnerskie", "nothing"],
    "/doc/": ["organization/encc", "organization/encc.ttl", "place/krakow.html", "x.nq"],
    "/def/": ["ckp", "ckp.jsonld", "shapes", "shapes.html", "other"],
    "/graph/": ["page", "enrichment.trig", "vocabulary", "metadata", "catalog", "none"],
    "/data": ["", ".ttl", ".nq", ".html", ".", ".exe"],
    "/void": ["", ".jsonld", ".csv"],
    "/.well-known/": ["void"],
    "/catalog": ["", ".rdf", ".html", ".zip"],
    "/dumps/": ["", "manifest.json", "instytucje-partnerskie.nt.gz", ".lock", "current"],
    "/source/": ["instytucje-partnerskie.txt", "page.ttl"],
    "/queries/": ["", "partners", "partners.rq", "graphs", "partners.txt", "nothing.rq"],
    "/sparql": ["", "/"],
    "/static/": ["style.css", "query.js", "favicon.svg"],
    "/assets/yasgui/": ["yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map", "package.json"],
    "/sitemap": [".xml", "-1.xml", "-0.xml", "--1.xml", "-99999999999999999999.xml"],
}
SEGMENTS = st.one_of(
    st.sampled_from(
        [
            "..",
            ".",
            "",
            "%2e%2e",
            "%2E%2E",
            ".%2e",
            "%252e%252e",
            "....",
            "%c0%ae%c0%ae",
            "pyproject.toml",
            "README.md",
            "etc",
            "passwd",
            "%00",
            "a%00.ttl",
            "ż",
            "%ff",
            "<>",
            "a b",
            "{x}",
            "~root",
        ]
    ),
    st.text(max_size=12),
)
SEPARATORS = st.sampled_from(["/", "/", "%2f", "%2F", "\\", "%5c", "%252f", "//"])
RAW_PIECES = st.sampled_from([b"\x00", b"\xff", b"\xc0\xae", b"\xed\xa0\x80", b"a" * 5000])


@st.composite
def paths(draw: st.DrawFn) -> bytes:
    """A path under a route family: a real name, or segments meant to climb out of it."""
    family = draw(st.sampled_from(sorted(FAMILIES)))
    kind = draw(st.sampled_from(["real", "long", "climbing"]))
    if kind == "real":
        return (family + draw(st.sampled_from(FAMILIES[family]))).encode()
    if kind == "long":  # longer than a file name may be (255 bytes), or than a path (4096)
        return family.encode() + draw(st.sampled_from([b"a", b"%41", b"\xc5\xbc"])) * draw(
            st.sampled_from([200, 256, 1000, 5000])
        )
    pieces = [
        draw(SEGMENTS).encode() if draw(st.integers(0, 5)) else draw(RAW_PIECES)
        for _ in range(draw(st.integers(1, 5)))
    ]
    pieces[-1] += draw(st.sampled_from(["", "pyproject.toml", "etc/passwd", ".ttl", "."])).encode()
    tail = pieces[0]
    for piece in pieces[1:]:
        tail += draw(SEPARATORS).encode() + piece
    return family.encode() + tail


METHODS = st.sampled_from(["GET", "GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "BREW"])
CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/x-www-form-urlencoded",
        "application/sparql-query",
        "application/sparql-update",
        "application/sparql-query; charset=utf-16",
        "multipart/form-data; boundary=x",
        "text/plain",
        "\x00;;",
    ]
)
OTHER_HEADERS = st.lists(
    st.sampled_from(
        [
            ("If-None-Match", "*"),
            ("If-None-Match", '"x", W/"y"'),
            ("If-None-Match", "\x00garbage"),
            ("If-Modified-Since", "Thu, 01 Jan 2099 00:00:00 GMT"),
            ("If-Modified-Since", "yesterday"),
            ("Range", "bytes=0-10"),
            ("Range", "bytes=99999999999-"),
            ("Range", "bytes=-0"),
            ("Range", "lines=1-2"),
            ("Accept-Encoding", "br;q=2, gzip;q=nan, *"),
            ("Access-Control-Request-Method", "POST"),
            ("Origin", "https://elsewhere.example"),
            ("Host", "evil.example\r\nX: y"),
            ("Host", "[::1"),
            ("Host", "\xc5\xbc:99999999"),
        ]
    ),
    max_size=3,
)


@APP_SETTINGS
@given(
    method=METHODS,
    path=paths(),
    decode_path=st.booleans(),
    query=st.just(b"") | query_strings(),
    accept=ACCEPTS,
    accept_language=ACCEPT_LANGUAGES,
    content_type=CONTENT_TYPES,
    body=query_strings() | st.binary(max_size=40),
    others=OTHER_HEADERS,
)
@example(  # was a 500: a raw byte that is not UTF-8 in the query string of a page
    method="GET",
    path=b"/doc/organization/encc",
    decode_path=False,
    query=b"lang=\xff",
    accept="text/html",
    accept_language=None,
    content_type=None,
    body=b"",
    others=[],
)
@example(  # was a 500: the same on a route that does not exist, the error page in HTML
    method="GET",
    path=b"/nowhere",
    decode_path=False,
    query=b"\xff",
    accept="text/html",
    accept_language="pl",
    content_type=None,
    body=b"",
    others=[],
)
@example(  # was a 500: a name too long for the file system (ENAMETOOLONG) under /source/
    method="GET",
    path=b"/source/" + b"a" * 256,
    decode_path=False,
    query=b"",
    accept=None,
    accept_language=None,
    content_type=None,
    body=b"",
    others=[],
)
@example(  # was a 400 "Bad SPARQL query": a document path that is not an IRI
    method="GET",
    path=b"/doc/a b",
    decode_path=False,
    query=b"",
    accept=None,
    accept_language=None,
    content_type=None,
    body=b"",
    others=[],
)
def test_any_request_gets_a_sound_answer(
    app: Flask,
    method: str,
    path: bytes,
    decode_path: bool,
    query: bytes,
    accept: str | None,
    accept_language: str | None,
    content_type: str | None,
    body: bytes,
    others: list[tuple[str, str]],
) -> None:
    headers = [*others]
    if accept is not None:
        headers.append(("Accept", accept))
    if accept_language is not None:
        headers.append(("Accept-Language", accept_language))
    if content_type is not None and method == "POST":
        headers.append(("Content-Type", content_type))
    answer = call(app, method, path, query, headers, body, decode_path)
    event(f"{method} {answer.status}")
    assert_sound(answer, method, accept)


SPARQL_PATHS = st.sampled_from(
    [b"/sparql", b"/sparql/", b"/queries/partners", b"/queries/graphs", b"/queries/vocabulary"]
)


@APP_SETTINGS
@given(
    method=st.sampled_from(["GET", "POST", "HEAD"]),
    path=SPARQL_PATHS,
    query=query_strings(),
    accept=ACCEPTS,
    content_type=CONTENT_TYPES,
    body=query_strings() | PARAMETER_VALUES.map(str.encode),
)
@example(  # was a 500: a graph IRI urlsplit cannot split
    method="GET",
    path=b"/sparql",
    query=b"query=ASK%7B%7D&default-graph-uri=http://%5B",
    accept=None,
    content_type=None,
    body=b"",
)
def test_sparql_requests_get_a_sound_answer(
    app: Flask,
    method: str,
    path: bytes,
    query: bytes,
    accept: str | None,
    content_type: str | None,
    body: bytes,
) -> None:
    headers = [("Accept", accept)] if accept is not None else []
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    answer = call(app, method, path, query, headers, body if method == "POST" else b"")
    event(f"{method} {answer.status}")
    assert_sound(answer, method, accept)


DOCUMENTS = st.sampled_from(
    ["/doc/organization/encc", "/def/ckp", "/graph/page", "/catalog", "/void", "/data"]
)
OVERRIDE_NAMES = st.sampled_from(["_format", "format", "output", "_mediatype", "lang"])


@settings(APP_SETTINGS, max_examples=examples(80))
@given(
    path=DOCUMENTS,
    accept=REAL_ACCEPTS | ACCEPTS,
    accept_language=ACCEPT_LANGUAGES,
    override=st.none()
    | st.tuples(
        OVERRIDE_NAMES, PARAMETER_VALUES.map(lambda v: quote(v, safe="").encode()) | BAD_BYTES
    ),
)
def test_documents_answer_in_a_format_the_client_accepts(
    app: Flask,
    path: str,
    accept: str | None,
    accept_language: str | None,
    override: tuple[str, bytes] | None,
) -> None:
    headers = [("Accept", accept)] if accept is not None else []
    if accept_language is not None:
        headers.append(("Accept-Language", accept_language))
    query = b"" if override is None else override[0].encode() + b"=" + override[1]
    answer = call(app, "GET", path.encode(), query, headers)
    event(f"{answer.status} {answer.media_type}")
    assert_sound(answer, "GET", accept)
    assert answer.status in (200, 400, 404, 406), answer.status
    offers = (*RDF_FORMATS, HTML) if path != "/graph/page" and path != "/data" else RDF_FORMATS
    if answer.status == 200:
        sent = next(f for f in FORMATS if answer.media_type in f.media_types)
        assert sent in offers
        if override is None or override[0] == "lang" or not override[1]:  # Accept decides
            assert negotiate(accept, offers) is sent
        if sent is HTML:  # in the language asked for (?lang=), else the browser's, else English
            forced = override[1].decode() if override and override[0] == "lang" else None
            page_lang = answer.body.split(b'<html lang="', 1)[1][:2].decode()
            assert page_lang == language(accept_language, forced)
        elif sent.name == "jsonld":
            json.loads(answer.body)
    if answer.status == 406:
        assert override is not None or negotiate(accept, offers) is None


@pytest.mark.parametrize("path", ["/doc/a b", "/doc/<x>", "/graph/{}", "/def/a\\b", "/doc/\x00"])
def test_a_path_that_is_no_iri_is_not_found(app: Flask, path: str) -> None:
    answer = call(app, "GET", path.encode(), headers=[("Accept", "application/json")])
    assert answer.status == 404
    assert json.loads(answer.body)["title"] == "Not found"


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
@pytest.mark.parametrize("path", ["/doc/organization/encc", "/nowhere", "/sparql", "/"])
def test_parameters_that_are_not_utf8_are_a_bad_request(app: Flask, path: str, accept: str) -> None:
    answer = call(app, "GET", path.encode(), b"lang=\xff&query=ASK%7B%7D", [("Accept", accept)])
    assert answer.status == 400
    assert_sound(answer, "GET", accept)
    assert b"UTF-8" in answer.body


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        (b"lang=pl&_format=ttl", "lang=pl&_format=ttl"),
        (b"q=a%2Bb+c&x=%25", "q=a%2Bb+c&x=%25"),
        (b"a=\xc3\xa9", "a=%C3%A9"),  # was a=%C3%83%C2%A9: read as latin-1, sent as UTF-8
        (b"a=\r\nSet-Cookie:%20x", "a=%0D%0ASet-Cookie:%20x"),  # was a 500 (newline in Location)
        (b"a b#c", "a%20b%23c"),
    ],
)
def test_a_thing_redirects_with_its_query_string_kept(app: Flask, query: bytes, kept: str) -> None:
    answer = call(app, "GET", b"/id/organization/encc", query)
    assert answer.status == 303
    assert answer.headers["Location"] == "/doc/organization/encc?" + kept
