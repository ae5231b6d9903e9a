"""The OpenAPI 3.1 description of ckpld's whole HTTP interface, served at /openapi.json.

Written by hand, route by route from the views, as Python data rather than as a JSON file: every
media type in it comes from the one format table (`ckpld.rdf.formats`), so a format added there is
described everywhere it is offered, and the shared parts (validators, errors, negotiation
parameters) are written once. `tests/test_openapi.py` keeps it true: it must validate as OpenAPI
3.1, describe every route of the app and nothing else, and the test client's answers must match
it; `tests/e2e/test_schemathesis.py` runs schemathesis against a live server with it.
"""

from __future__ import annotations

from ckpld import __version__
from ckpld.web.openapi.components import _components
from ckpld.web.openapi.documents import (
    _catalog,
    _context,
    _data,
    _definition,
    _document,
    _graph,
    _home,
    _source,
    _thing,
    _void,
)
from ckpld.web.openapi.harvest import (
    _dane_gov_pl,
    _dane_gov_pl_md5,
    _dump,
    _dumps,
    _robots,
    _sitemap,
    _sitemap_page,
)
from ckpld.web.openapi.parts import Json
from ckpld.web.openapi.releases import (
    _citation,
    _datacite,
    _memento,
    _past_sparql,
    _release,
    _release_file,
    _releases,
    _timegate,
    _timemap,
)
from ckpld.web.openapi.service import _healthz, _openapi, _readyz, _static
from ckpld.web.openapi.sparql import _cookbook, _recipe, _sparql, _yasgui

INTRODUCTION = """\
Linked Open Data about the partner institutions of Centrum Kultury Podgórza: every thing has an
IRI under `/id/` that answers `303 See Other` to its document under `/doc/`; documents, named
graphs, the whole dataset, the VoID description and the DCAT-AP catalogue come in every RDF format
(and HTML where people read them); a read-only SPARQL 1.1 Protocol endpoint; the release's dumps.

**Content negotiation.** A format suffix in the path beats `?_format=` (also `format`, `output`,
`_mediatype`: a format name, suffix or media type), which beats `Accept` (q-values, wildcards,
aliases such as `application/x-turtle`, `text/n3`, `text/plain`, `application/json`). No
`Accept`, or `*/*`, gets Turtle for RDF, SPARQL JSON for SELECT and ASK answers, HTML for the
home page and the list of dumps. Nothing acceptable: `406`.
Media types that take a charset are sent with `charset=utf-8`. HTML pages are in English or
Polish: `?lang=en|pl`, else `Accept-Language`.

**Caching.** Representations carry a strong `ETag` and `Last-Modified`; `If-None-Match` and
`If-Modified-Since` get `304`. Bodies are sent with `br` or `gzip` by `Accept-Encoding`.

**Every path** also answers `HEAD` (as `GET`, without the body) and `OPTIONS`; a CORS preflight
(`OPTIONS` with `Access-Control-Request-Method`) gets `204`. Every response allows any origin
(`Access-Control-Allow-Origin: *`, no credentials) and carries the request's id
(`X-Request-Id`, as logged). Other methods get `405`, with `Allow`.

**Errors** are RFC 9457 problem details (`application/problem+json`), or an HTML page for
clients that prefer `text/html`; never a stack trace.
"""


def description() -> Json:
    """The OpenAPI 3.1 document (a fresh dict: callers may change their copy)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ckpld: partner institutions of Centrum Kultury Podgórza as Linked Open Data",
            "version": __version__,
            "summary": "Linked Data documents, SPARQL 1.1 Protocol endpoint, DCAT-AP catalogue.",
            "description": INTRODUCTION,
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "tags": [
            {"name": "linked data", "description": "Things, documents, graphs and the dataset."},
            {"name": "sparql", "description": "The SPARQL 1.1 Protocol endpoint and cookbook."},
            {"name": "harvesting", "description": "Catalogue, VoID, dumps, feeds, sitemap."},
            {"name": "pages", "description": "The home page, its assets, this description."},
            {"name": "health", "description": "Probes for whoever runs the server."},
        ],
        "paths": _paths(),
        "components": _components(),
    }


# Paths, in the order of the URL map (README.md).


def _paths() -> Json:
    return {
        "/": {"get": _home()},
        "/id/{rest}": {"get": _thing()},
        "/doc/{rest}": {"get": _document()},
        "/def/{name}": {"get": _definition()},
        "/graph/{name}": {"get": _graph()},
        "/data": {"get": _data(suffixed=False)},
        "/data.{suffix}": {"get": _data(suffixed=True)},
        "/.well-known/void": {"get": _void("wellKnownVoid", suffixed=False)},
        "/void": {"get": _void("void", suffixed=False)},
        "/void.{suffix}": {"get": _void("voidSuffixed", suffixed=True)},
        "/catalog": {"get": _catalog(suffixed=False)},
        "/catalog.{suffix}": {"get": _catalog(suffixed=True)},
        "/source/{name}": {"get": _source()},
        "/dumps/": {"get": _dumps()},
        "/dumps/{name}": {"get": _dump()},
        "/releases/": {"get": _releases()},
        "/releases/{name}/": {"get": _release()},
        "/releases/{name}/{file}": {"get": _release_file()},
        "/releases/{name}/doc/{rest}": {"get": _memento()},
        "/releases/{name}/sparql": _past_sparql(""),
        "/releases/{name}/sparql/": _past_sparql("/"),
        "/releases/{name}/citation.{suffix}": {"get": _citation(release=True)},
        "/releases/{name}/datacite.json": {"get": _datacite()},
        "/citation.{suffix}": {"get": _citation(release=False)},
        "/timegate/id/{rest}": {"get": _timegate()},
        "/timemap/id/{rest}": {"get": _timemap()},
        "/harvest/dane-gov-pl.xml": {"get": _dane_gov_pl()},
        "/harvest/dane-gov-pl.md5": {"get": _dane_gov_pl_md5()},
        "/sitemap.xml": {"get": _sitemap()},
        "/sitemap-{page}.xml": {"get": _sitemap_page()},
        "/robots.txt": {"get": _robots()},
        "/context.jsonld": {"get": _context()},
        "/sparql": _sparql(""),
        "/sparql/": _sparql("/"),
        "/queries/": {"get": _cookbook()},
        "/queries/{name}": {"get": _recipe()},
        "/assets/yasgui/{name}": {"get": _yasgui()},
        "/static/{filename}": {"get": _static()},
        "/openapi.json": {"get": _openapi()},
        "/healthz": {"get": _healthz()},
        "/readyz": {"get": _readyz()},
    }
