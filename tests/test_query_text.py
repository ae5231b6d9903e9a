"""Reading SPARQL text: forms, updates, and SERVICE targets that no disguise can hide."""

from __future__ import annotations

import time

import pytest

from ckpld.errors import ForbiddenQueryError
from ckpld.store.query_text import check, read, unescape

BASE = "https://dane.example.pl/"
EVIL = "http://127.0.0.1:9/sparql"


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("prefix ex: <http://x/> select ?s { ?s ex:p ?o }", "SELECT"),
        ("# comment ASK\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("BASE <http://x/> ASK {}", "ASK"),
        ("DESCRIBE <http://x/a>", "DESCRIBE"),
        ('SELECT ("ASK" AS ?x) {}', "SELECT"),
        ("   ", None),
    ],
)
def test_query_form(text: str, form: str | None) -> None:
    assert read(text, BASE).form == form


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <a> <b> <c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX x: <http://x/> CLEAR ALL",
        "LOAD <http://example.org/data.ttl>",
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DROP SILENT GRAPH <http://g>",
        "SELECT * {} ; INSERT DATA { <a> <b> <c> }",
        "\\u0049NSERT DATA { <a> <b> <c> }",
        "create graph <http://g>",
    ],
)
def test_updates_are_recognised_and_refused(text: str) -> None:
    query = read(text, BASE)
    assert query.update
    with pytest.raises(ForbiddenQueryError, match="read-only"):
        check(query, [])


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "INSERT DATA" }',
        "SELECT * { ?s <http://x/delete> ?o }  # DELETE everything",
        "SELECT * { ?s ?p ?o FILTER(?o != 'DROP') }",
        'SELECT ?add { BIND("x" AS ?add) }',
        "PREFIX load: <http://x/> SELECT * { ?s load:clear ?o }",
    ],
)
def test_words_in_strings_iris_comments_and_names_are_not_updates(text: str) -> None:
    query = read(text, BASE)
    assert not query.update and not query.services
    check(query, [])


@pytest.mark.parametrize(
    "text",
    [
        f"SELECT * {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
        f"select * {{ service silent <{EVIL}> {{ ?s ?p ?o }} }}",
        "PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
        "BASE <http://127.0.0.1:9/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
        f"SELECT * {{ SERVICE\n#comment\n<{EVIL}>{{?s ?p ?o}} }}",
        f"SELECT * {{ FILTER(?a<?b)SERVICE<{EVIL}>{{?s ?p ?o}} }}",
        f"SELECT * {{ \\u0053ERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ GRAPH ?g {{ OPTIONAL {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }} }} }}",
    ],
)
def test_service_targets_are_found_however_written(text: str) -> None:
    query = read(text, BASE)
    assert EVIL in query.services
    with pytest.raises(ForbiddenQueryError, match="not allowed"):
        check(query, [])
    with pytest.raises(ForbiddenQueryError):
        check(query, ["http://127.0.0.1:9/other"])
    check(query, [EVIL])  # allowed when on the list


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { BIND(<http://127.0.0.1:9/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
        "SELECT * { SERVICE undeclared:x { ?s ?p ?o } }",
        "SELECT * { SERVICE",
    ],
)
def test_service_without_a_fixed_endpoint_is_refused(text: str) -> None:
    query = read(text, BASE)
    assert None in query.services
    with pytest.raises(ForbiddenQueryError, match="fixed endpoint"):
        check(query, [EVIL])


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE <http://127.0.0.1:9/sparql> { }" }',
        "SELECT * { ?s <http://x/SERVICE> ?o }  # SERVICE <http://127.0.0.1:9/>",
        "SELECT * { ?s ?p '''\nSERVICE <http://127.0.0.1:9/>\n''' }",
        "PREFIX service: <http://x/> SELECT * { ?s service:x ?o }",
    ],
)
def test_the_word_service_elsewhere_is_not_a_call(text: str) -> None:
    query = read(text, BASE)
    assert query.services == ()
    check(query, [])


def test_an_escaped_endpoint_is_read_as_the_engine_decodes_it() -> None:
    # The engine decodes escapes inside an IRI: the call goes where the decoded IRI says.
    query = read("SELECT * { SERVICE <\\u0068ttp://127.0.0.1:9/sparql> { ?s ?p ?o } }", BASE)
    assert query.services == (EVIL,)
    with pytest.raises(ForbiddenQueryError):
        check(query, [])
    check(query, [EVIL])


def test_escapes_decode() -> None:
    assert unescape("\\u0041\\U0001F600x") == "A\U0001f600x"
    assert unescape("\\uZZZZ") == "\\uZZZZ"


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ?p true.SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        'SELECT * { "\\"\\" SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }',
        "SELECT * { '''\\''' ''' SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * { a.b.c-d\u3000e SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        'SELECT * { "unclosed\n SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }',
    ],
)
def test_a_call_after_a_failed_string_or_name_is_still_seen(text: str) -> None:
    # The reader remembers where a string could not be closed or a name had no ':' after it,
    # instead of scanning again at each position; what follows is still read.
    assert read(text, BASE).services == (EVIL,)


@pytest.mark.parametrize(
    "unit",
    ["a.", "a-", "a\u00e9", '"\\', "'\\", '"""\\', "(", "1 ", "?v ", "<a> ", "\\u0041."],
)
def test_reading_takes_linear_time(unit: str) -> None:
    # 100,000 characters (query_max_length) used to take up to 75 s for "a." repeated, holding a
    # worker until gunicorn killed it. What is checked is how the time grows, not how long it
    # is: four times the text must take about four times as long (quadratic reading: sixteen).
    def took(size: int) -> float:
        text = "SELECT * WHERE { ?s ?p ?o }\n" + unit * (size // len(unit))
        best = float("inf")
        for _ in range(3):  # the fastest of three: the least disturbed by other processes
            started = time.perf_counter()
            read(text, BASE)
            best = min(best, time.perf_counter() - started)
        return best

    assert took(100_000) / took(25_000) < 8


@pytest.mark.parametrize(
    ("text", "based"),
    [
        ("BASE <http://x/> SELECT * {}", True),
        ("# a comment\nBASE <http://x/>\nPREFIX a: <b#> SELECT * {}", True),
        ("PREFIX a: <b#> BASE <http://x/> SELECT * {}", True),
        ("SELECT * { ?s <BASE> ?o }", False),
        ("SELECT ('BASE <http://x/>' AS ?x) {}", False),
        ("# BASE <http://x/>\nSELECT * {}", False),
    ],
)
def test_a_query_s_own_base_is_seen_as_the_engine_sees_it(text: str, based: bool) -> None:
    assert read(text, BASE).based is based
