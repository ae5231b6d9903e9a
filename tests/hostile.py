"""Requests as a careless or hostile client sends them, and what every answer must be.

`call` puts raw bytes straight into the WSGI environ (no client normalises the path, decodes the
query string or refuses a header), as a server that passes them on would; `assert_sound` checks
the answer: never a 5xx, every error a 4xx with a message in the negotiated format, every
redirect with a Location, and nothing from a file outside the served folders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote_to_bytes

from flask import Flask
from hypothesis import strategies as st
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

from ckpld.rdf.formats import HTML, PROBLEM
from ckpld.web.conneg import negotiate
from tests.conftest import ROOT

# Lines of files the server must never send (none of them is in a served folder), by file.
SECRETS = {
    "pyproject.toml": b'build-backend = "flit_core.buildapi"',
    "README.md": b"ckpld publishes the international partnerships",
    "/etc/passwd": b"root:x:0:0:",
    "ckpld/web/app.py": b"The composition root: `create_app(settings)`",
    "data/page.ttl": b"# Rules for this file (checked by `ckpld validate`)",
    "Makefile": b"# ckpld \xe2\x80\x94 the two commands a new user needs",
    "node_modules/@zazuko/yasgui/package.json": b'"name": "@zazuko/yasgui"',
    "/proc/self/environ": b"PATH=/",
    "secret.txt": b"a file next to the dumps that no client may read",
}


@dataclass(frozen=True)
class Answer:
    """What the application answered."""

    status: int
    headers: Headers
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip()


def call(
    app: Flask,
    method: str,
    path: bytes,
    query: bytes = b"",
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
    decode_path: bool = False,
) -> Answer:
    """One request, bytes as given.

    Args:
        path: The path as sent; in PATH_INFO as it is, or percent-decoded once (`decode_path`,
            what gunicorn and most servers do, so `%2f` becomes a slash), as WSGI's latin-1 text.
        query: The raw query string (never decoded: WSGI passes it on as it came).
        headers: Request headers; values are latin-1 text, as WSGI servers make of the bytes
            (so UTF-8 arrives as mojibake, as it does from a real server).
    """
    environ = EnvironBuilder(method=method, data=body).get_environ()
    sent = unquote_to_bytes(path) if decode_path else path
    environ["PATH_INFO"] = sent.decode("latin-1")
    environ["QUERY_STRING"] = query.decode("latin-1")
    environ["REQUEST_URI"] = environ["RAW_URI"] = (path + b"?" + query).decode("latin-1")
    for name, value in headers:
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    return Answer(int(status.split(" ", 1)[0]), Headers(response_headers), b"".join(app_iter))


def leaked(body: bytes) -> list[str]:
    """The files outside the served folders whose content `body` holds."""
    return [name for name, line in SECRETS.items() if line in body]


def assert_sound(answer: Answer, method: str, accept: str | None) -> None:
    """The properties every answer has, whatever was asked.

    Args:
        answer: What the server sent.
        method: The request method (a HEAD answer has no body to check).
        accept: The Accept header sent, which decides the format of an error.
    """
    shown = f"{answer.status} {answer.headers.get('Content-Type')}: {answer.body[:300]!r}"
    assert answer.status < 500, shown
    assert not leaked(answer.body), f"{leaked(answer.body)} in {shown}"
    assert b"Traceback (most recent call last)" not in answer.body, shown
    if 300 <= answer.status < 400 and answer.status != 304:
        assert answer.headers.get("Location"), shown
    if answer.status < 400:
        return
    wanted = negotiate(accept, (PROBLEM, HTML))
    if wanted is HTML:
        assert answer.media_type == "text/html", shown
    else:  # problem+json also when the client accepts neither
        assert answer.media_type == "application/problem+json", shown
    if method == "HEAD":
        assert not answer.body, shown
        return
    if wanted is HTML:
        page = answer.body.decode("utf-8")
        heading = re.search(r"<h1>(\d{3}) · ([^<]+)</h1>\s*<p>([^<]*\S[^<]*)</p>", page)
        assert heading, shown
        assert int(heading[1]) == answer.status, shown
    else:
        problem = json.loads(answer.body)
        assert problem["status"] == answer.status, shown
        assert isinstance(problem["detail"], str) and problem["detail"].strip(), shown
        assert isinstance(problem["title"], str) and problem["title"].strip(), shown


def served_files() -> dict[str, list[Path]]:
    """The files each folder-backed route may send (its folder, not below or above it)."""
    yasgui = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
    return {
        "/static/": sorted((ROOT / "ckpld" / "web" / "static").iterdir()),
        "/assets/yasgui/": [yasgui / "yasgui.min.js", yasgui / "yasgui.min.css"],
        "/source/": sorted((ROOT / "data" / "source").iterdir()),
        "/queries/": sorted((ROOT / "queries").glob("*.rq")),
    }


# Strategies ----------------------------------------------------------------------------------

PARAMETER_NAMES = st.sampled_from(
    [
        "query",
        "default-graph-uri",
        "named-graph-uri",
        "format",
        "_format",
        "output",
        "_mediatype",
        "lang",
        "update",
        "using-graph-uri",
        "using-named-graph-uri",
        "Query",
        "query ",
        "",
    ]
)
PARAMETER_VALUES = st.one_of(
    st.sampled_from(
        [
            "ASK {}",
            "SELECT * WHERE { ?s ?p ?o } LIMIT 2",
            "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
            "DESCRIBE <id/organization/encc>",
            "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
            "INSERT DATA { <a:a> <a:b> <a:c> }",
            "http://example.org/g1",
            "https://dane.ckpodgorza.pl/graph/page",
            "pl",
            "en",
            "json",
            "ttl",
            "html",
            "text/csv",
            "application/ld+json,application/x-json+ld",
        ]
    ),
    st.sampled_from(["http://[", "http://[::1", "http://x:99999/", "a:b", "relative", "", "%"]),
    st.text(max_size=40),
)
# Bytes that are not UTF-8 in every disguise: raw, percent-encoded, truncated, overlong, surrogates.
BAD_BYTES = st.sampled_from(
    [
        b"\xff",
        b"%ff",
        b"%FF",
        b"\xc3",
        b"%c3",
        b"\xc0\xaf",
        b"%c0%af",
        b"\xed\xa0\x80",
        b"%ed%a0%80",
    ]
)
STRAY = st.sampled_from(
    [b"%", b"%%", b"%2", b"%zz", b"&", b"&&", b"=", b"==", b";", b"+", b"\x00", b"\r\nX: y", b"#"]
)


@st.composite
def query_strings(draw: st.DrawFn) -> bytes:
    """A URL's query string: pairs percent-encoded or not, repeated, with stray or invalid bytes."""
    pieces = []
    for name, value in draw(st.lists(st.tuples(PARAMETER_NAMES, PARAMETER_VALUES), max_size=6)):
        how = draw(st.sampled_from(["quote", "plus", "raw"]))
        pieces.append(b"=".join(_encoded(text, how) for text in (name, value)))
    for _ in range(draw(st.integers(0, 2))):
        stray = draw(BAD_BYTES | STRAY | st.binary(max_size=6))
        pieces.insert(draw(st.integers(0, len(pieces))), stray)
    return b"&".join(pieces)


def _encoded(text: str, how: str) -> bytes:
    if how == "quote":
        return quote(text, safe="").encode()
    if how == "plus":
        return quote_plus(text).encode()
    return text.encode()


# Accept headers: what real clients send, then anything (control characters and all).
REAL_ACCEPTS = st.none() | st.sampled_from(
    [
        "",
        "*/*",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "text/turtle",
        "application/ld+json",
        "application/json",
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "application/n-quads",
        "application/problem+json",
        "image/png",
        "text/html;q=0, */*;q=0.1",
        "text/turtle;q=0, text/html;q=0",
        "*/*;q=0",
        "text/*",
        "text/turtle;q=1e400, */*;q=nan",
    ]
)
ACCEPTS = st.one_of(
    REAL_ACCEPTS,
    st.text(max_size=80).map(lambda t: t.encode().decode("latin-1")),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
)
ACCEPT_LANGUAGES = st.one_of(
    st.none(),
    st.sampled_from(["pl", "en", "pl-PL,pl;q=0.9,en;q=0.8", "de", "*", "en;q=0, pl;q=0", ""]),
    st.text(max_size=40).map(lambda t: t.encode().decode("latin-1")),
)


# Path traversal, spelled every way a client may try -------------------------------------------

# How a client may write "../": plain, percent-encoded once or twice, in part, with backslashes,
# as overlong UTF-8, with the tricks other servers fell for (`..;/`, `....//`, full-width dots).
CLIMBS = {
    "plain": b"../",
    "encoded-slash": b"..%2f",
    "encoded-slash-upper": b"..%2F",
    "encoded-dots": b"%2e%2e/",
    "encoded": b"%2e%2e%2f",
    "half-encoded": b".%2e/",
    "double-encoded": b"%252e%252e%252f",
    "backslash": b"..\\",
    "encoded-backslash": b"..%5c",
    "overlong-utf8": b"%c0%ae%c0%ae%c0%af",
    "raw-overlong-utf8": b"\xc0\xae\xc0\xae\xc0\xaf",
    "semicolon": b"..;/",
    "four-dots": b"....//",
    "full-width-dots": "\uff0e\uff0e/".encode(),
}
TARGETS = (b"pyproject.toml", b"README.md", b"Makefile", b"ckpld/web/app.py", b"etc/passwd")


# Each route that reads files, with the files next to its folder (one level up).
FOLDERS = {
    "/static/": [b"app.py", b"templates/base.html", b"static/style.css"],
    "/assets/yasgui/": [b"package.json", b"build/yasgui.min.js.map", b"ts"],
    "/source/": [b"page.ttl", b"enrichment.ttl", b"source/instytucje-partnerskie.txt"],
    "/queries/": [b"README.md", b"queries/partners.rq", b"partners.rq.bak"],
    "/dumps/": [b"secret.txt", b".lock", b"current", b".cache", b".store"],
    "/def/": [b"ckp.ttl", b"shapes.ttl", b"ontology/ckp.ttl"],
}


def traversals(prefix: bytes, neighbours: Sequence[bytes] = ()) -> list[bytes]:
    """Paths under `prefix` that try to read a file outside its folder.

    Args:
        prefix: The route's folder, such as `/static/`.
        neighbours: Names of files next to the served folder (tried one level up).
    """
    absolute = str(ROOT / "pyproject.toml").encode()
    found = [
        prefix + climb * depth + target
        for climb in CLIMBS.values()
        for depth in (1, 2, 3, 4, 8)
        for target in TARGETS
    ]
    found += [prefix + climb + name for climb in CLIMBS.values() for name in neighbours]
    found += [
        prefix + b"../" * 8 + b"etc/passwd%00.css",
        prefix + b"../" * 8 + b"etc/passwd\x00.css",
        prefix + b"%2e%2e%2f" * 8 + b"etc%2fpasswd%00",
        prefix + b"/etc/passwd",
        prefix + b"%2fetc%2fpasswd",
        prefix + b"%2Fetc%2Fpasswd",
        prefix + b"%252fetc%252fpasswd",
        prefix + b"\\etc\\passwd",
        prefix + b"%5cetc%5cpasswd",
        prefix + absolute,
        prefix + quote(str(ROOT / "pyproject.toml"), safe="").encode(),
        prefix + b"file:///etc/passwd",
        prefix + b"file:%2f%2f%2fetc%2fpasswd",
        prefix + b"~root/.profile",
        prefix + b"../" * 8 + b"proc/self/environ",
        prefix + b"%2fproc%2fself%2fenviron",
        prefix + b"current",
        prefix + b"current/manifest.json",
        prefix + b"current%2fmanifest.json",
        prefix + b"../current/manifest.json",
        prefix + b".lock",
        prefix + b"secret.txt",
        prefix + b"..",
        prefix + b".",
        prefix + b"%2e%2e",
        prefix + b"%2e",
        prefix + b"\x00",
        prefix + b"%00",
        prefix + b"pyproject.toml\x00",
        prefix + b"a" * 5000,
    ]
    return list(dict.fromkeys(found))
