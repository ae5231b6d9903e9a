"""ckpld's reading of a query against the engine's own: pyoxigraph runs generated texts, and
what it does (the SERVICE endpoints it calls, the dataset it reads, the values that change from
run to run) must be what `ckpld.store.query_text` said it would do.

The texts are built from pieces chosen to confuse a reader: comments, strings and IRIs that hold
quotes, `#`, `<` and codepoint escapes, comparisons that look like IRIs, escapes between tokens.
Texts the engine refuses run nothing and are not compared, except that ckpld must not see less.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckpld.store.query_text import engine_reading, read

BASE = "http://b.example/"
EMPTY_RESULTS = b'{"head":{"vars":["a","b","c"]},"results":{"bindings":[{}]}}'

# Pieces that stand where a group's patterns stand; some only close what another opened.
PIECES = [
    "BIND(<http://x/\\u0041#> AS ?z)",
    'BIND("\\u0022" AS ?q)',
    "BIND('\\u0027' AS ?q)",
    'BIND("""#""" AS ?q)',
    "BIND('#' AS ?q)",
    "BIND(<http://x/a'b> AS ?i)",
    "FILTER(?a<?b)",
    "FILTER(?a<?b#>'",
    'FILTER(?a<?b#>"""',
    "FILTER(1<2)",
    'FILTER("a"@en<"b"@en)',
    "FILTER(<http://x/a#> != <http://x/b>)",
    "FILTER(?a IN (<http://x/#>, <http://x/'>))",
    "?s <http://x/p#> ?o .",
    "?s <http://x/p'> ?o .",
    "VALUES ?v { <http://x/#> }",
    "VALUES (?w) { (<http://x/'#>) }",
    "OPTIONAL { ?k a (?a <http://x/#'>) }",
    "OPTIONAL { ?k <http://x/q> (?a <http://x/'#>) }",
    ")",
    '"""',
    "'''",
    "'",
    '"',
    "#",
    "# \\u000A",
    '# """',
    "# '''",
    "\\u000A",
    "\\u0022",
    "\\u0027",
    "<",
    ">",
    "\n",
    "\n",
]
# Each call is optional: the group keeps its one solution, so the engine makes every call it reads.
SERVICE = "OPTIONAL {{ SERVICE <http://127.0.0.1:{port}/s{n}> {{ ?a ?b ?c }} }}"


class _Recorder(BaseHTTPRequestHandler):
    """A SPARQL endpoint that answers one empty solution and remembers which path was asked."""

    calls: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.calls.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(EMPTY_RESULTS)))
        self.end_headers()
        self.wfile.write(EMPTY_RESULTS)

    def do_GET(self) -> None:
        self.do_POST()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[int, list[str]]]:
    """A recording endpoint on 127.0.0.1: its port and the paths it was asked for."""
    calls: list[str] = []
    handler = type("Recorder", (_Recorder,), {"calls": calls})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, calls
    server.shutdown()
    server.server_close()


def _store() -> ox.Store:
    store = ox.Store()
    x = "http://x/"
    for p in ("p#", "p'"):
        store.add(ox.Quad(ox.NamedNode(x + "s"), ox.NamedNode(x + p), ox.NamedNode(x + "o")))
    for graph, count in (("g1", 1), ("g2", 2)):
        for i in range(count):
            store.add(
                ox.Quad(
                    ox.NamedNode(f"{x}{graph}/{i}"),
                    ox.NamedNode(x + "in"),
                    ox.Literal(graph),
                    ox.NamedNode(x + graph),
                )
            )
    return store


STORE = _store()
texts = st.lists(st.sampled_from([*PIECES, "SERVICE"]), min_size=1, max_size=9)


def _query(pieces: list[str], port: int) -> tuple[str, set[str]]:
    """The query made of `pieces`, each "SERVICE" a call to its own path; and those paths."""
    out, paths = [], set()
    for n, piece in enumerate(pieces):
        if piece == "SERVICE":
            piece = SERVICE.format(port=port, n=n)
            paths.add(f"http://127.0.0.1:{port}/s{n}")
        out.append(piece)
    return "SELECT * WHERE {\n" + " ".join(out) + "\n}", paths


def _run(text: str) -> bool:
    """Run `text` to the end; False when the engine refuses it."""
    try:
        answer = STORE.query(text, base_iri=BASE)
        if not isinstance(answer, ox.QueryBoolean):
            list(answer)
    except SyntaxError:
        return False
    except (OSError, RuntimeError, ValueError):
        pass  # it parsed; a failed evaluation still made its calls
    return True


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=texts)
def test_the_services_read_are_the_services_the_engine_calls(
    endpoint: tuple[int, list[str]], pieces: list[str]
) -> None:
    port, calls = endpoint
    text, _ = _query(pieces, port)
    calls.clear()
    parsed = _run(text)
    called = {f"http://127.0.0.1:{port}{path}" for path in calls}
    assert called <= set(read(text, BASE).services), text  # never less than the engine
    if parsed:
        assert set(engine_reading(text, BASE).services) == called, text


@settings(max_examples=300)
@given(
    before=st.lists(st.sampled_from(PIECES), max_size=4),
    after=st.lists(st.sampled_from(PIECES), max_size=4),
)
def test_the_dataset_read_is_the_dataset_the_engine_uses(
    before: list[str], after: list[str]
) -> None:
    # FROM <g2> in effect: 2 rows (g1 has 1, the empty default graph none).
    text = "SELECT ?s " + " ".join(before) + "\nFROM <http://x/g2>\n" + " ".join(after)
    text += "\nWHERE { ?s <http://x/in> ?o }"
    try:
        solutions = STORE.query(text, base_iri=BASE)
        assert isinstance(solutions, ox.QuerySolutions)  # a SELECT
        rows = len(list(solutions))
    except SyntaxError:
        return
    reading = engine_reading(text, BASE)
    uses_g2 = rows == 2
    assert uses_g2 == ("http://x/g2" in reading.default_graphs), text
    assert reading.dataset == (rows > 0 or reading.dataset), text


CALLS = ["NOW()", "RAND()", "UUID()", "STRUUID()", "RAND#\n()", "STRUUID\n# x\n ( )"]
DECOYS = ['"RAND()"', "<http://x/RAND()>", "# RAND()\n", "'UUID()'", '"""NOW()"""']


@settings(max_examples=200)
@given(
    parts=st.lists(st.sampled_from([*CALLS, *DECOYS, *PIECES]), min_size=1, max_size=5),
)
def test_calls_read_as_volatile_are_those_whose_values_change(parts: list[str]) -> None:
    text = "SELECT * WHERE {\n" + " ".join(
        f"BIND({p} AS ?v{i})" if p in CALLS or p in DECOYS else p for i, p in enumerate(parts)
    )
    text += "\n}"

    def values() -> list[object] | None:
        try:
            solutions = STORE.query(text, base_iri=BASE)
            assert isinstance(solutions, ox.QuerySolutions)  # a SELECT
            return [tuple(s) for s in solutions]
        except SyntaxError:
            return None
        except (OSError, RuntimeError, ValueError):
            return []

    first, second = values(), values()
    if first is None:
        return
    if first != second:  # the engine gave new values: a volatile call ran
        assert engine_reading(text, BASE).volatile, text


@pytest.mark.parametrize(
    "text",
    [
        # the review's query: an escape in a comment, a `#` in an escaped IRI
        'SELECT ?leak WHERE {{ # \\u000A """\n'
        "BIND(<http://x/\\u0041#> AS ?z) SERVICE <{target}> {{ ?leak ?b ?c }}\n"
        '# """\n}}',
        # the same with an escaped quote inside strings before and after
        'SELECT * WHERE {{ BIND("\\u0022" AS ?q) SERVICE <{target}> {{ ?a ?b ?c }} '
        'BIND("\\u0022" AS ?r) }}',
        # a comparison that a lexer takes for an IRI holding a comment
        'SELECT * WHERE {{ FILTER(?a<?b#>"""\n)SERVICE <{target}> {{ ?x ?y ?z }}\n#"""\n}}',
        "SELECT * WHERE {{ FILTER(?a<?b#>'\n)SERVICE <{target}> {{ ?x ?y ?z }}\n#'\n}}",
    ],
)
def test_known_disguises_are_read_as_the_engine_runs_them(
    endpoint: tuple[int, list[str]], text: str
) -> None:
    port, calls = endpoint
    target = f"http://127.0.0.1:{port}/internal"
    query = text.format(target=target)
    calls.clear()
    assert _run(query)
    assert calls == ["/internal"]  # the engine does call it ...
    assert read(query, BASE).services == (target,)  # ... and ckpld sees that it would
