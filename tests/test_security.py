"""Production defaults and the repository itself: no debug, loopback by default, no secrets."""

from __future__ import annotations

import re
import subprocess

from flask import Flask

from ckpld.config import Settings
from tests.conftest import ROOT

# Shapes of credentials that must never be committed.
SECRET_SHAPES = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "password in a URL": re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@[\w.-]+", re.I),
}


def tracked_text_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    return [name.decode() for name in listed if name and not name.endswith((b".png", b".gz"))]


def test_no_credential_is_committed() -> None:
    files = tracked_text_files()
    assert len(files) > 50
    found = []
    for name in files:
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        found += [(name, kind) for kind, shape in SECRET_SHAPES.items() if shape.search(text)]
    assert found == []


def test_a_credential_shape_would_be_found() -> None:  # the scan itself works
    fake_key = "-----BEGIN " + "RSA PRIVATE KEY-----"
    assert SECRET_SHAPES["private key"].search(fake_key)
    assert SECRET_SHAPES["password in a URL"].search("https://user:" + "hunter2@example.org/")


def test_production_defaults(app: Flask) -> None:
    defaults = Settings()
    assert defaults.host == "127.0.0.1"  # reachable from this machine only, unless told
    assert defaults.store_password == "" and defaults.store_user == ""
    assert 0 < defaults.sparql_rate_limit <= 1000 and defaults.max_requests > 0  # generous, on
    assert defaults.query_sandbox and 0 < defaults.query_processes and defaults.query_queue >= 0
    assert app.debug is False and app.testing is False


def test_every_promise_names_tests_that_exist() -> None:
    page = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    text = page[page.index("## Reliability and security") :]
    named = re.findall(r"`(tests/[\w/]+\.py)((?:::\w+)?)`|`(::\w+)`", text)
    assert len(named) > 15
    module = ""
    for path, test, continued in named:
        if path:
            module = path
            assert (ROOT / module).is_file(), module
        name = (test or continued).removeprefix("::")
        if name:
            source = (ROOT / module).read_text(encoding="utf-8")
            assert f"def {name}(" in source, f"{module}::{name}"
