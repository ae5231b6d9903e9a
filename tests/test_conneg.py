"""Content negotiation, table-driven: real clients' Accept headers, wildcards, q=0, overrides."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from ckpld.rdf.formats import FORMATS, HTML, PROBLEM, RDF_FORMATS, RESULTS_FORMATS, Format, named
from ckpld.web.conneg import LANGUAGES, alternates, language, negotiate, override_of

DOCUMENT = (*RDF_FORMATS, HTML)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
JENA_GRAPH = (
    "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
    "application/rdf+xml;q=0.7,*/*;q=0.3"
)
JENA_DATASET = "application/trig,application/n-quads;q=0.9,application/ld+json;q=0.8,*/*;q=0.3"
RDFLIB_ANY = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, "
    "application/ld+json, application/n-quads, application/trix, application/trig"
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param(FIREFOX, "html", id="firefox"),
        pytest.param(CHROME, "html", id="chrome"),
        pytest.param("*/*", "turtle", id="curl"),
        pytest.param(None, "turtle", id="no-accept"),
        pytest.param("", "turtle", id="empty-accept"),
        pytest.param(JENA_GRAPH, "turtle", id="jena-graph"),
        pytest.param(JENA_DATASET, "trig", id="jena-dataset"),
        pytest.param(RDFLIB_ANY, "turtle", id="rdflib-any-format-server-preference"),
        pytest.param("application/rdf+xml, */*;q=0.1", "rdfxml", id="rdflib-xml"),
        pytest.param("text/turtle, application/x-turtle, */*;q=0.1", "turtle", id="rdflib-turtle"),
        pytest.param("text/plain, */*;q=0.1", "ntriples", id="rdflib-nt"),
        pytest.param("text/n3, */*;q=0.1", "turtle", id="rdflib-n3"),
        pytest.param(
            "application/ld+json, application/json;q=0.9, */*;q=0.1", "jsonld", id="rdflib-jsonld"
        ),
        pytest.param("application/json", "jsonld", id="plain-json"),
        pytest.param(
            'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
            "jsonld",
            id="jsonld-profile",
        ),
        pytest.param("application/n-quads", "nquads", id="nquads"),
        pytest.param("text/turtle;q=0, */*", "jsonld", id="q-zero-excludes"),
        pytest.param("text/turtle;q=0.5, application/rdf+xml", "rdfxml", id="q-values"),
        pytest.param("text/*", "turtle", id="text-wildcard"),
        pytest.param("text/html;q=0.9, text/turtle", "turtle", id="rdf-preferred-over-html"),
        pytest.param("TEXT/TURTLE", "turtle", id="case-insensitive"),
        pytest.param("image/png", None, id="unknown-type"),
        pytest.param("application/xml", "rdfxml", id="plain-xml-is-rdf-xml"),
        pytest.param("text/turtle;q=0", None, id="only-refusal"),
        pytest.param("garbage;;;q=x", None, id="malformed"),
    ],
)
def test_accept(accept: str | None, expected: str | None) -> None:
    chosen = negotiate(accept, DOCUMENT)
    assert (chosen.name if chosen else None) == expected


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        pytest.param("ttl", "turtle", id="suffix"),
        pytest.param("turtle", "turtle", id="name"),
        pytest.param("text/turtle", "turtle", id="media-type"),
        pytest.param("application/ld+json; charset=utf-8", "jsonld", id="media-type-params"),
        pytest.param("HTML", "html", id="upper-case"),
        pytest.param("application/ld+json,application/x-json+ld", "jsonld", id="list"),
        pytest.param("n3", "turtle", id="sparqlwrapper-n3"),
        pytest.param("rdf+xml", "rdfxml", id="sparqlwrapper-rdfxml"),
        pytest.param("csv", None, id="not-offered-here"),
        pytest.param("nonsense", None, id="unknown"),
    ],
)
def test_override_beats_accept(override: str, expected: str | None) -> None:
    chosen = negotiate(FIREFOX, DOCUMENT, override)
    assert (chosen.name if chosen else None) == expected


def test_override_order_suffix_then_format_then_mediatype() -> None:
    args = {"_format": "nt", "_mediatype": "application/rdf+xml"}
    assert override_of("ttl", args) == "ttl"
    assert override_of(None, args) == "nt"
    assert override_of(None, {"_mediatype": "application/rdf+xml"}) == "application/rdf+xml"
    assert override_of(None, {"format": "jsonld"}) == "jsonld"
    assert override_of(None, {}) is None


@pytest.mark.parametrize(
    ("header", "forced", "expected"),
    [
        ("pl-PL,pl;q=0.9,en;q=0.8", None, "pl"),
        ("en-GB,en;q=0.9", None, "en"),
        ("de-DE,de;q=0.9", None, "en"),
        (None, None, "en"),
        ("pl", "en", "en"),
        ("en", "pl", "pl"),
        ("pl", "xx", "pl"),
    ],
)
def test_language(header: str | None, forced: str | None, expected: str) -> None:
    assert language(header, forced) == expected


def test_alternates_list_every_other_format() -> None:
    turtle = named("turtle")
    links = alternates("/doc/x", DOCUMENT, turtle)
    assert len(links) == len(DOCUMENT) - 1
    assert '</doc/x.jsonld>; rel="alternate"; type="application/ld+json"' in links
    assert not any("text/turtle" in link for link in links)


# Properties (hypothesis): negotiation is total over any header a client may send.

OFFER_SETS = (
    DOCUMENT,
    RDF_FORMATS,
    (*RESULTS_FORMATS, HTML),
    (*[f for f in RESULTS_FORMATS if f.name in ("json", "xml")], HTML),
    (PROBLEM, HTML),
    (HTML, named("json")),
    (HTML, *DOCUMENT),
)
KNOWN_MEDIA = sorted({m for f in FORMATS for m in f.media_types})
RANGES = st.sampled_from(
    [*KNOWN_MEDIA, "*/*", "text/*", "application/*", "image/png", "application/xml", "x/y"]
)
Q_TEXT = st.one_of(
    st.sampled_from(["0", "0.0", "0.000", "1", "1.0", "0.001", "0.5", "0.999", "-0"]),
    st.sampled_from(["1e400", "-1", "nan", "inf", "1.5", "2", "0x1", "", "q", "\uff11"]),
    st.floats(min_value=0, max_value=1).map(lambda q: f"{q:.3f}"),
)
# Anything: control characters, non-ASCII, separators in odd places, very long headers.
GARBAGE = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list(',;=/*"\\ \tq0.1eab+-')), max_size=200),
    st.lists(
        st.tuples(RANGES, Q_TEXT, st.sampled_from(["", "; charset=utf-8", ';p="a,b"', ";;", " "])),
        max_size=300,
    ).map(lambda items: ",".join(f"{m};q={q}{extra}" for m, q, extra in items)),
    st.builds(lambda m, n: ", ".join([m] * n), RANGES, st.integers(1, 2000)),
)


def _well_formed(ranges: list[tuple[str, float]]) -> str:
    return ", ".join(f"{media};q={q:.3f}" for media, q in ranges)


def _model(fmt: Format, ranges: list[tuple[str, float]]) -> float:
    """How much a client wants `fmt`, by the rule in docs/http.md: exact type, else type/*,
    else */*."""
    for covers in (
        lambda media: media in fmt.media_types,
        lambda media: media in {m.split("/")[0] + "/*" for m in fmt.media_types},
        lambda media: media == "*/*",
    ):
        found = [round(q, 3) for media, q in ranges if covers(media)]
        if found:
            return max(found)
    return 0.0


WELL_FORMED = st.lists(st.tuples(RANGES, st.sampled_from([0.0, 0.001, 0.3, 0.5, 0.9, 1.0])))


@given(accept=st.none() | GARBAGE, offers=st.sampled_from(OFFER_SETS))
@example(accept="text/turtle;q=1e400, */*;q=nan", offers=DOCUMENT)
@example(accept="\x00\u0142\ud7ff;q=0\r\n,", offers=DOCUMENT)
def test_negotiate_is_total(accept: str | None, offers: tuple[Format, ...]) -> None:
    chosen = negotiate(accept, offers)
    assert chosen is None or any(chosen is f for f in offers)


@given(ranges=WELL_FORMED, offers=st.sampled_from(OFFER_SETS))
def test_negotiate_follows_the_most_specific_range(
    ranges: list[tuple[str, float]], offers: tuple[Format, ...]
) -> None:
    chosen = negotiate(_well_formed(ranges), offers) if ranges else None
    wanted = [_model(f, ranges) for f in offers]
    if not ranges or max(wanted) == 0:
        assert chosen is None or not ranges
        return
    assert chosen is not None
    best = max(wanted)
    assert _model(chosen, ranges) == best
    assert chosen is offers[wanted.index(best)]  # ties: the server's order


@given(
    others=WELL_FORMED,
    offers=st.sampled_from(OFFER_SETS),
    data=st.data(),
)
def test_q_zero_refuses_a_format(
    others: list[tuple[str, float]], offers: tuple[Format, ...], data: st.DataObject
) -> None:
    refused = data.draw(st.sampled_from(offers))
    refusals = data.draw(
        st.lists(st.sampled_from(refused.media_types), min_size=1, unique=True), label="refusals"
    )
    spelled = [data.draw(st.sampled_from([m, m.upper(), f"{m} ", f"{m};a=b"])) for m in refusals]
    items = [f"{m};q={q:.3f}" for m, q in others if m not in refused.media_types]
    for text in spelled:
        items.insert(data.draw(st.integers(0, len(items))), f"{text};q=0")
    assert negotiate(", ".join(items), offers) is not refused


@given(
    accept=st.none() | GARBAGE,
    offers=st.sampled_from(OFFER_SETS),
    data=st.data(),
)
def test_an_override_beats_any_accept(
    accept: str | None, offers: tuple[Format, ...], data: st.DataObject
) -> None:
    wanted = data.draw(st.sampled_from([f for f in offers if f.suffix]))
    token = data.draw(
        st.sampled_from([wanted.name, wanted.suffix, *wanted.also, *wanted.media_types])
    )
    spellings = [token, token.upper(), f" {token} "]
    if token in wanted.media_types:  # parameters belong to media types only
        spellings += [f"{token}; charset=utf-8", f"{token};q=1,x/y"]
    spelling = data.draw(st.sampled_from(spellings))
    claimants = [
        f for f in offers if token in (f.name, f.suffix, *f.also) or token in f.media_types
    ]
    chosen = negotiate(accept, offers, spelling)
    assert chosen is claimants[0]  # the first offered format the name stands for
    assert negotiate(None, offers, spelling) is chosen  # Accept plays no part


@given(accept=st.none() | GARBAGE, override=st.text(), offers=st.sampled_from(OFFER_SETS))
@example(accept="text/html", override="", offers=DOCUMENT)
@example(accept="*/*", override="nonsense,,;", offers=DOCUMENT)
def test_an_override_naming_nothing_offered_gives_none(
    accept: str | None, override: str, offers: tuple[Format, ...]
) -> None:
    items = [i.strip() for i in override.lower().split(",")]
    assume(
        not any(
            i in (f.name, f.suffix, *f.also) or i.split(";")[0].strip() in f.media_types
            for i in items
            for f in offers
        )
    )
    assert negotiate(accept, offers, override) is None


LANGUAGE_TAGS = st.sampled_from(["pl", "en", "PL", "en-GB", "pl-PL", "de", "*", "x-klingon", ""])


@given(
    header=st.none()
    | st.text()
    | st.lists(st.tuples(LANGUAGE_TAGS, Q_TEXT)).map(
        lambda tags: ",".join(f"{t};q={q}" for t, q in tags)
    ),
    forced=st.none() | st.text() | LANGUAGE_TAGS,
)
@example(header="pl;q=nan, en;q=0", forced=None)
@example(header="\u0142\x00;q=1e400", forced="\ud7ff")
def test_language_is_always_one_we_have(header: str | None, forced: str | None) -> None:
    chosen = language(header, forced)
    assert chosen in LANGUAGES
    if forced in LANGUAGES:
        assert chosen == forced
