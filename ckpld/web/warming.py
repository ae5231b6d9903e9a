"""Pages rendered before the workers fork, so that every worker starts with them cached.

A worker's caches are its own and start empty: a worker that replaces another (`max_requests`)
would render every page again while its first visitors wait. Rendered once in the master
(`ckpld serve`, before gunicorn forks), the answers are in every worker from its first request,
shared copy-on-write. Within a time budget (setting `warm_seconds`), in this order: the home
page, catalogue and vocabulary; the cookbook (each query's page, its answer, and the answer to
the query sent to /sparql as it is written: what people run first); then every document of the
sitemap as HTML in both languages, then as Turtle, JSON-LD and N-Triples. The cookbook's
queries run in query processes, under the query timeout, as any query does; the master's own
processes are stopped once it is done, so that no worker inherits them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from ckpld.web.conneg import LANGUAGES

# What each document is asked for as: (Accept, Accept-Language), in order of how often.
_VARIANTS = (
    *(("text/html", lang) for lang in LANGUAGES),
    ("text/turtle", ""),
    ("application/ld+json", ""),
    ("application/n-triples", ""),
)
_RESULTS = "application/sparql-results+json"
_FIRST = ("/", "/catalog.html", "/def/ckp.html", "/dumps/", "/sitemap.xml", "/void.ttl")


def warm(app: Flask, seconds: float) -> int:
    """Ask `app` for its most asked-for answers for at most `seconds`; how many it answered
    (their bodies are then in its caches)."""
    if seconds <= 0:
        return 0
    deadline = time.monotonic() + seconds
    answered = 0
    try:
        for path, accept, lang, form in _requests(app):
            if time.monotonic() >= deadline:
                break
            headers = {"Accept": accept, **({"Accept-Language": lang} if lang else {})}
            environ = EnvironBuilder(
                path=path,
                method="POST" if form else "GET",
                headers=list(headers.items()),
                data=form,
            ).get_environ()
            body, status, _ = run_wsgi_app(app.wsgi_app, environ, buffered=True)
            b"".join(body)
            if status.startswith("200"):
                answered += 1
    finally:
        app.extensions["ckpld"].store.rest()
    return answered


def _requests(app: Flask) -> Iterator[tuple[str, str, str, dict[str, str] | None]]:
    """(path, Accept, Accept-Language, a POST's form or None) in the order they are warmed."""
    for path in _FIRST:
        for accept, lang in _VARIANTS[: len(LANGUAGES)]:
            yield path, accept, lang, None
    for recipe in app.extensions["ckpld"].cookbook.values():
        answer = "text/turtle" if re.search(r"\bCONSTRUCT\b", recipe.text) else _RESULTS
        for accept, lang in _VARIANTS[: len(LANGUAGES)]:
            yield f"/queries/{recipe.name}", accept, lang, None
        yield f"/queries/{recipe.name}", answer, "", None
        yield "/sparql", answer, "", {"query": recipe.text}
    documents = _documents(app)
    for accept, lang in _VARIANTS:
        for path in documents:
            yield path, accept, lang, None


def _documents(app: Flask) -> list[str]:
    """The sitemap's documents, as paths without a suffix (`/doc/organization/encc`)."""
    from ckpld.web.views.harvest import page_urls

    with app.app_context():
        urls: list[Any] = page_urls()
        base = app.extensions["ckpld"].settings.base_iri
    return [
        "/" + url[len(base) :].removesuffix(".html")
        for url in urls
        if url.startswith(base + "doc/") and url.endswith(".html")
    ]
