"""Path traversal over real HTTP: gunicorn parses the request line, not werkzeug's test client.

Every spelling of tests.hostile.traversals is written byte for byte on a socket (no client
normalises `..`, decodes `%2f` or refuses a NUL), to a `ckpld serve` on 127.0.0.1 that has a file
next to its dumps. Each answer must be a 400, 404 or 405 with a message (gunicorn's own when it
refuses the request line itself), and hold no line of a file outside the served folders.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from werkzeug.datastructures import Headers

from tests.e2e.conftest import LiveServer
from tests.hostile import FOLDERS, SECRETS, Answer, assert_sound, leaked, served_files, traversals

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    # thousands of spellings from one address: no per-client limit here
    live = LiveServer("--workers", "2", env={"CKPLD_SPARQL_RATE_LIMIT": "0"})
    try:
        live.wait_until_ready()
        (live.dumps / "secret.txt").write_bytes(SECRETS["secret.txt"] + b"\n")
        yield live
    finally:
        live.stop()


def send(
    server: LiveServer, target: bytes, method: str = "GET", accept: str | None = None
) -> Answer:
    """`method target HTTP/1.1`, written as it is; the answer read by http.client."""
    lines = [
        f"{method} ".encode() + target + b" HTTP/1.1",
        b"Host: 127.0.0.1",
        b"Connection: close",
    ]
    if accept:
        lines.append(b"Accept: " + accept.encode())
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        response = http.client.HTTPResponse(connection, method=method)
        response.begin()
        body = response.read()
    return Answer(response.status, Headers(response.getheaders()), body)


def answered(server: LiveServer, target: bytes, method: str, accept: str | None) -> Answer:
    """The answer, after following redirects to this server (a merged `//` gets a 308)."""
    answer = send(server, target, method, accept)
    for _ in range(3):
        if answer.status not in (301, 302, 303, 307, 308):
            break
        location = urlsplit(answer.headers["Location"])
        assert location.hostname in (None, "127.0.0.1", "localhost"), location
        moved = location.path + (f"?{location.query}" if location.query else "")
        answer = send(server, moved.encode(), method, accept)
    return answer


def check(answer: Answer, method: str, accept: str | None) -> None:
    assert not leaked(answer.body), leaked(answer.body)
    if "X-Content-Type-Options" in answer.headers:  # ckpld answered
        assert answer.status in (400, 404, 405), answer.status
        assert_sound(answer, method, accept)
    else:  # gunicorn refused the request line itself (a NUL, a byte above 0x7e, too long)
        assert answer.status in (400, 414), answer.status
        assert answer.body or method == "HEAD"


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_no_spelling_of_a_path_leaves_the_folder(server: LiveServer, folder: str) -> None:
    prefix = folder.encode()
    targets = traversals(prefix, FOLDERS[folder])
    host = f"http://127.0.0.1:{server.port}".encode()
    targets += [  # request targets only a raw request line can carry
        host + prefix + b"../../pyproject.toml",
        host + prefix + b"%2e%2e/%2e%2e/pyproject.toml",
        prefix[1:] + b"../../pyproject.toml",
        b"../../pyproject.toml",
        b"//etc/passwd",
        prefix + b"..%00/..%00/pyproject.toml",
        prefix + b"..\x7f/pyproject.toml",
        prefix + b"../" * 3000 + b"pyproject.toml",  # longer than gunicorn's request line
    ]
    failures = []
    for target in targets:
        for method, accept in (("GET", None), ("GET", "text/html"), ("HEAD", None)):
            if accept and b"%2f" not in target and b"../" not in target:
                continue  # HTML errors: on the main spellings only
            answer = answered(server, target, method, accept)
            try:
                check(answer, method, accept)
            except AssertionError as err:
                failures.append(f"{method} {target[:120]!r}: {err} {answer.body[:200]!r}")
    assert not failures, "\n".join(failures[:20])
    assert "Traceback" not in server.output()


def test_the_folders_files_are_served(server: LiveServer) -> None:
    """The control: the same routes send their own files over HTTP."""
    for folder, files in served_files().items():
        for path in files:
            answer = send(server, f"{folder}{path.name}".encode())
            assert answer.status == 200, path
            assert answer.body == path.read_bytes(), path


@pytest.mark.parametrize(
    "target",
    [
        b"/source/" + b"a" * 256,
        b"/sparql?query=ASK%7B%7D&default-graph-uri=http://%5B",
        b"/sparql?query=ASK%7B%7D&named-graph-uri=http%3A%2F%2F%5B%3A%3A1",
        b"/doc/a%20b",
        b"/graph/%3Cx%3E",
        b"/doc/organization/encc?lang=%ff&_format=%ff",
    ],
)
def test_what_once_failed_is_a_4xx(server: LiveServer, target: bytes) -> None:
    for accept in (None, "text/html"):
        answer = send(server, target, accept=accept)
        assert 400 <= answer.status < 500, (answer.status, answer.body[:200])
        assert_sound(answer, "GET", accept)
