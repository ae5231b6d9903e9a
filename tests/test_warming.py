"""Warming: the most asked-for answers rendered before the workers fork."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from ckpld.config import Settings
from ckpld.web.app import create_app
from ckpld.web.conneg import LANGUAGES
from ckpld.web.warming import warm
from tests.conftest import data_copy


def _app(settings: Settings, tmp_path: Path) -> Flask:
    return create_app(data_copy(settings, tmp_path / "data"))


def test_every_document_is_rendered_in_every_variant_within_the_budget(
    settings: Settings, tmp_path: Path
) -> None:
    app = _app(settings, tmp_path)
    pub = app.extensions["ckpld"]
    key = ("doc", "/doc/organization/encc", "html", "pl", False)
    assert pub.cache.peek(key) is None
    answered = warm(app, 120)
    documents = {k[1] for k in pub.cache.keys() if k[0] == "doc" and k[1].startswith("/doc/")}
    assert len(documents) > 50
    for lang in LANGUAGES:
        assert pub.cache.peek(("doc", "/doc/organization/encc", "html", lang, False)) is not None
    for fmt in ("turtle", "jsonld", "ntriples"):
        assert pub.cache.peek(("doc", "/doc/organization/encc", fmt, "", False)) is not None
    assert answered >= 5 * len(documents)
    # the cookbook: each query's page in both languages, its answer, and as sent to /sparql
    answers = [k for k in pub.cache.keys() if k[0] == "sparql"]
    assert len(answers) >= 4 * len(pub.cookbook)
    assert len({k[1] for k in answers if k[1] == "/sparql"}) == 1
    # the queries ran in query processes, which were stopped afterwards: no worker inherits them
    assert pub.store._runner.pids() == []


def test_no_budget_renders_nothing_and_a_small_one_stops_in_time(
    settings: Settings, tmp_path: Path
) -> None:
    app = _app(settings, tmp_path)
    assert warm(app, 0) == 0
    assert not [k for k in app.extensions["ckpld"].cache.keys() if k[0] == "doc"]
    assert warm(app, 0.05) < 20
