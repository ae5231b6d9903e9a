"""The SPARQL 1.1 Protocol endpoint (/sparql), its query page, and the cookbook's query pages."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request
from markupsafe import Markup

from ckpld.errors import NotAcceptableError, NotFoundError
from ckpld.publish.cookbook import Recipe
from ckpld.publish.metadata import service_description
from ckpld.publish.publication import Publication
from ckpld.rdf.formats import HTML, RDF_FORMATS, RESULTS_FORMATS, Format, named
from ckpld.store import QueryResult
from ckpld.store.documents import render
from ckpld.store.query_text import QueryText, check, read
from ckpld.store.writing import BOOLEAN_FORMATS, Writer, formats_for
from ckpld.web.assets import YASGUI_FILES
from ckpld.web.conneg import LANGUAGES, OVERRIDES, language, negotiate, override_of
from ckpld.web.i18n import translate
from ckpld.web.pages.resource_page import Labeller
from ckpld.web.policy import EDITOR_STYLES, content_security_policy
from ckpld.web.protocol import SparqlRequest, parse_request, url_params
from ckpld.web.views.base import past_release, publication
from ckpld.web.views.representation import Representation, media_type, not_modified, respond

bp = Blueprint("sparql", __name__)

EDITOR_POLICY = content_security_policy(EDITOR_STYLES)
MAX_CACHED_BODY = 1 << 20  # larger answers are sent but not kept in memory
_LIST = named("json")  # the cookbook's list, as application/json (one of this format's types)
# An HTML results page shows at most this many rows, and values: the whole answer is a download.
HTML_ROWS = 1000
HTML_CELLS = 20000


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def query() -> Response:
    """The endpoint: a query (GET, form POST, direct POST), or the service description."""
    pub = publication()
    sparql = _request(pub)
    if sparql.query is None:
        return _service(pub, sparql)
    return _answer(pub, sparql, "/sparql", None)


@bp.route("/releases/<name>/sparql", methods=["GET", "POST"])
@bp.route("/releases/<name>/sparql/", methods=["GET", "POST"])
def past_query(name: str) -> Response:
    """A past release's endpoint: the same protocol, limits and protections as /sparql, over the
    data (and VoID and catalogue) of the archived release `name`."""
    pub = publication()
    sparql = _request(pub)
    with past_release(pub, name) as past:
        if sparql.query is None:
            return _service(past, sparql, f"releases/{name}/sparql")
        return _answer(past, sparql, f"/releases/{name}/sparql", None)


def _request(pub: Publication) -> SparqlRequest:
    """The SPARQL Protocol request this HTTP request makes (GET, form POST or direct POST)."""
    return parse_request(
        request.method,
        request.headers.get("Content-Type"),
        request.query_string,
        request.get_data(cache=False),
        pub.settings.query_max_length,
    )


@bp.get("/queries/")
def cookbook() -> Response:
    """The cookbook's queries, listed: a page (HTML), or a list for programs (JSON)."""
    pub = publication()
    chosen = negotiate(
        request.headers.get("Accept"), (HTML, _LIST), override_of(None, request.args)
    )
    if chosen is None:
        raise NotAcceptableError("the cookbook is listed as text/html or application/json")
    if chosen is _LIST:
        rep = pub.cache.get(("cookbook", "json"), lambda: _listed(pub))
        return respond(rep, request, pub.settings.cache_max_age)
    lang = _lang()
    rep = pub.cache.get(
        ("cookbook", lang, _kept()),
        lambda: _page(
            pub,
            render_template(
                "queries.html",
                lang=lang,
                recipes=list(pub.cookbook.values()),
            ),
            f"queries-{lang}{_kept()}",
        ),
    )
    return respond(rep, request, pub.settings.cache_max_age)


def _listed(pub: Publication) -> Representation:
    """Every cookbook query: its name, questions, text and answer, for programs."""
    items = [
        {
            "name": r.name,
            "question": {"pl": r.question_pl, "en": r.question_en},
            "query": f"/queries/{r.name}.rq",
            "answer": f"/queries/{r.name}",
        }
        for r in pub.cookbook.values()
    ]
    body = json.dumps(items, ensure_ascii=False, indent=2).encode()
    return Representation(
        body, "application/json", f"{pub.etag_base}-queries", pub.modified, ("Accept",)
    )


@bp.get("/queries/<name>")
def recipe(name: str) -> Response:
    """One cookbook query: its page (HTML), its results (other formats, by Accept or a suffix:
    `partners.csv`), or its text (.rq)."""
    pub = publication()
    stem, _, suffix = name.partition(".")
    found = pub.cookbook.get(stem)
    if found is None:
        raise NotFoundError(f"the cookbook has no query called {name}")
    if suffix == "rq":
        rep = pub.cache.get(
            ("recipe-text", stem),
            lambda: Representation(
                found.text.encode(),
                "application/sparql-query; charset=utf-8",
                f"{pub.etag_base}-rq-{stem}",
                pub.modified,
            ),
        )
        return respond(rep, request, pub.settings.cache_max_age)
    if suffix:
        form = read(found.text, pub.settings.base_iri).form
        if not any(f.suffix == suffix for f in _offers(form)):
            raise NotFoundError(f"the answer to {stem} has no format with the suffix .{suffix}")
    return _answer(pub, SparqlRequest(found.text), f"/queries/{stem}", found, suffix or None)


@bp.get("/assets/yasgui/<name>")
def yasgui(name: str) -> Response:
    """The query editor's files, as installed from the npm registry (never from a CDN)."""
    pub = publication()
    path = _yasgui_folder(pub) / name
    if name not in YASGUI_FILES or not path.is_file():
        raise NotFoundError(f"no asset {name} here (`npm ci` installs the query editor)")

    def load() -> Representation:
        stat = path.stat()
        tag = f"asset-{stat.st_size:x}-{int(stat.st_mtime):x}"
        return Representation(path.read_bytes(), YASGUI_FILES[name], tag, pub.modified)

    return respond(pub.cache.get(("asset", name), load), request, pub.settings.cache_max_age)


def _answer(
    pub: Publication,
    sparql: SparqlRequest,
    path: str,
    found: Recipe | None,
    suffix: str | None = None,
) -> Response:
    assert sparql.query is not None
    reading = read(sparql.query, pub.settings.base_iri)
    check(reading, pub.settings.service_allowlist)
    offers = _offers(reading.form)
    chosen = negotiate(request.headers.get("Accept"), offers, suffix or _override(sparql))
    if chosen is None:
        available = ", ".join(f.media_type for f in offers)
        raise NotAcceptableError(
            f"the answer to this {reading.form or 'query'} is available as: {available}"
        )
    lang = _lang() if chosen is HTML else ""

    def make() -> Representation:
        return _represent(pub, sparql, reading, chosen, lang, path, found)

    # The answer depends only on the query and the data version: kept in memory whichever way
    # the query came (GET or POST), so a repeated query costs what a static file does.
    key = ("sparql", path, _digest(sparql), chosen.name, lang, _kept() if lang else "")
    # NOW(), RAND(): new at every run; SERVICE: another endpoint's data, which the tag (the data
    # version of this one) does not follow.
    volatile = reading.volatile or bool(reading.services)
    etag = _etag(pub, sparql, chosen, lang)
    if not volatile and request.method == "GET" and pub.cache.peek(key) is None:
        # The tag is known before the answer is: a client that has this answer is told so
        # without running the query again (nor waiting for a query process).
        current = not_modified(etag, _vary(lang), request, pub.settings.cache_max_age)
        if current is not None:
            return current
    rep = (
        make()
        if volatile
        else pub.cache.get(key, make, keep=lambda r: len(r.body) <= MAX_CACHED_BODY)
    )
    response = respond(rep, request, pub.settings.cache_max_age)
    if request.method == "POST" or volatile:  # not to be kept by HTTP caches (or ckpld's)
        response.headers["Cache-Control"] = "no-store"
    return response


def _represent(
    pub: Publication,
    sparql: SparqlRequest,
    reading: QueryText,
    fmt: Format,
    lang: str,
    path: str,
    found: Recipe | None,
) -> Representation:
    assert sparql.query is not None
    settings = pub.settings
    # The answer's body is written in the query process, under the query's deadline; an HTML
    # page is made here, from at most HTML_ROWS rows (and HTML_CELLS values).
    page = fmt is HTML
    writer = None if page else Writer(fmt.name, pub.prefixes, pub.context)
    result = pub.store.query(
        sparql.query,
        default_graphs=sparql.default_graphs,
        named_graphs=sparql.named_graphs,
        timeout=settings.query_timeout,
        limit=min(settings.result_limit, HTML_ROWS) if page else settings.result_limit,
        write=writer,
        reading=reading,  # read once, in `_answer`
    )
    if result.body is not None:
        body = result.body
    else:
        body = _results_page(pub, sparql.query, result, lang, path, found)
    headers = [("X-SPARQL-MaxRows", str(settings.result_limit))]
    if result.truncated:
        headers.append(("X-SPARQL-Truncated", "true"))
    etag = _etag(pub, sparql, fmt, lang)
    return Representation(
        body, media_type(fmt), etag, pub.modified, _vary(lang), headers=tuple(headers)
    )


def _etag(pub: Publication, sparql: SparqlRequest, fmt: Format, lang: str) -> str:
    """An answer's tag: the data version, the query and dataset, the format (and language)."""
    return f"{pub.etag_base}-q{_digest(sparql)[:16]}-{fmt.name}" + (
        f"-{lang}{_kept()}" if lang else ""
    )


def _vary(lang: str) -> tuple[str, ...]:
    return ("Accept", "Accept-Language") if lang else ("Accept",)  # pages: in the reader's language


def _service(pub: Publication, sparql: SparqlRequest, endpoint: str = "sparql") -> Response:
    """GET without a query: the query page for people, the service description for programs
    (`endpoint`: the endpoint's path under the base IRI)."""
    offers = (*RDF_FORMATS, HTML)
    chosen = negotiate(request.headers.get("Accept"), offers, _override(sparql))
    if chosen is None:
        available = ", ".join(f.media_type for f in offers)
        raise NotAcceptableError(f"the service description is available as: {available}")
    if chosen is HTML:
        lang = _lang()
        rep = pub.cache.get(
            ("editor", lang, _kept()),
            lambda: _page(
                pub, _editor(pub, lang, "/" + endpoint), f"editor-{lang}{_kept()}", EDITOR_POLICY
            ),
        )
        return respond(rep, request, pub.settings.cache_max_age)
    # sd:endpoint is the public address (base_iri), never one made from the request's Host:
    # an answer any client can shape would let it put its own endpoint in a cached description.
    endpoints = [pub.settings.base_iri + endpoint]
    formats = [f.iri for f in (*RESULTS_FORMATS, *RDF_FORMATS)]

    def make() -> Representation:
        triples = service_description(pub.settings, pub.queryable, endpoints, formats)
        body = render(_quads(triples), chosen, pub.prefixes, pub.context)
        return Representation(
            body,
            media_type(chosen),
            f"{pub.etag_base}-sd-{chosen.name}",
            pub.modified,
            ("Accept",),
        )

    rep = pub.cache.get(("service", chosen.name), make)
    return respond(rep, request, pub.settings.cache_max_age)


def _editor(pub: Publication, lang: str, endpoint: str) -> str:
    wanted = ("rdfs", "schema", "org", "time", "prov", "skos", "ckp")
    prefixes = "".join(f"PREFIX {name}: <{pub.prefixes[name]}>\n" for name in wanted)
    starter = (
        prefixes + "\nSELECT ?organisation ?name WHERE {\n"
        "  ?organisation a org:Organization ; schema:name ?name .\n"
        f'  FILTER (LANG(?name) = "{lang}")\n}}\nORDER BY ?name\n'
    )
    examples = [
        {"name": r.name, "title": r.question(lang), "query": r.text} for r in pub.cookbook.values()
    ]
    data = json.dumps(
        {"endpoint": endpoint, "starter": starter, "examples": examples}, ensure_ascii=False
    )
    safe = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return render_template(
        "sparql.html",
        lang=lang,
        starter=starter,
        recipes=list(pub.cookbook.values()),
        editor_data=Markup(safe),
        has_editor=(_yasgui_folder(pub) / "yasgui.min.js").is_file(),
        timeout=pub.settings.query_timeout,
        limit=pub.settings.result_limit,
    )


def _results_page(
    pub: Publication,
    query_text: str,
    result: QueryResult,
    lang: str,
    path: str,
    found: Recipe | None,
) -> bytes:
    labeller = Labeller(pub.settings.base_iri, lang, (), pub.labels, pub.prefixes)
    shown = HTML_CELLS // max(1, len(result.variables) if result.kind == "solutions" else 3)
    cut = result.truncated or len(result.rows) > shown or len(result.triples) > shown
    rows = [
        [labeller.value(t) if t is not None else None for t in row] for row in result.rows[:shown]
    ]
    triples = [
        [labeller.value(t.subject), labeller.value(t.predicate), labeller.value(t.object)]
        for t in result.triples[:shown]
    ]
    if found is None:
        base = "/sparql?" + urlencode({"query": query_text}) + "&"
    else:
        base = f"{path}?"
    links = [(f.name, f"{base}_format={f.name}", f.media_type) for f in formats_for(result)]
    heading = found.question(lang) if found else translate(lang, "Query results")
    return render_template(
        "results.html",
        lang=lang,
        query=query_text,
        result=result,
        rows=rows,
        triples=triples,
        links=links,
        heading=heading,
        found=found,
        cut=cut,
        shown=max(len(rows), len(triples)),
    ).encode()


def _offers(form: str | None) -> tuple[Format, ...]:
    if form in ("CONSTRUCT", "DESCRIBE"):
        return (*RDF_FORMATS, HTML)
    if form == "ASK":
        return (*BOOLEAN_FORMATS, HTML)
    return (*RESULTS_FORMATS, HTML)


def _page(pub: Publication, body: str, tag: str, policy: str | None = None) -> Representation:
    return Representation(
        body.encode(),
        media_type(HTML),
        f"{pub.etag_base}-{tag}",
        pub.modified,
        ("Accept", "Accept-Language"),
        headers=(("Content-Security-Policy", policy),) if policy else (),
    )


def _override(sparql: SparqlRequest) -> str | None:
    # The last of repeated values wins: SPARQLWrapper sends `format=tsv&format=text/tab-...`.
    params = sparql.params
    if params is None:  # a cookbook page: its query did not come from the URL
        params = tuple(url_params(request.query_string))
    return override_of(None, {k: v for k, v in params if k in OVERRIDES})


def _lang() -> str:
    forced = request.args.get("lang")
    return language(request.headers.get("Accept-Language"), forced if forced in LANGUAGES else None)


def _kept() -> str:
    """ "-l" when the reader chose the language (?lang=): the page's links then carry it."""
    return "-l" if request.args.get("lang") in LANGUAGES else ""


def _digest(sparql: SparqlRequest) -> str:
    key = "\n".join([sparql.query or "", *sparql.default_graphs, "|", *sparql.named_graphs])
    return hashlib.sha256(key.encode()).hexdigest()


def _quads(triples: tuple[ox.Triple, ...] | list[ox.Triple]) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]


def _yasgui_folder(pub: Publication) -> Path:
    return Path(pub.settings.assets_dir) / "@zazuko" / "yasgui" / "build"
