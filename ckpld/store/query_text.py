"""Reading SPARQL text without running it: the query form, updates, SERVICE targets, FROM, and
calls whose value changes at every run.

The text is read the way the embedded engine (pyoxigraph) reads it. Codepoint escapes
(`\\uXXXX`, `\\UXXXXXXXX`) are decoded inside IRIs and strings only, never in comments, names
or between tokens. Comments, strings and IRIs are skipped as units. Whether a `<` opens an IRI or
compares two values depends on where it stands, as in the grammar: after an operand inside an
expression it is the operator, elsewhere it opens an IRI (`FILTER(?a<?b#>` holds a comment, not
an IRI). tests/test_query_text.py checks this reading against the engine itself.

SPARQL 1.1 (§19.2) lets a conforming engine decode escapes everywhere before parsing, and a
remote store may do so: updates and SERVICE calls are looked for in that reading too, and a
query either reading finds them in is refused.

The reader decides what a query may do only where no stronger guard exists: the process that
runs queries on the embedded store has no network at all (ckpld.store.sandbox).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urljoin

from ckpld.errors import ForbiddenQueryError

QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
UPDATE_WORDS = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
)

VOLATILE_CALLS = ("NOW", "RAND", "UUID", "STRUUID")  # new values at every run (SPARQL 1.1 §17.4)

# The lexical units, in the order they are tried at each position. A prefixed name's prefix is a
# run of name characters (`_NAME_RUN`) followed by ':'; `_PLAIN` is `_TOKEN` without prefixed names.
_UNITS = (
    r"(?P<space>\s+)",
    r"(?P<comment>\#[^\n\r]*)",
    r"""(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)""",
    r"""(?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')""",
    r"""(?P<string>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')""",
    r"(?P<variable>[?$][\w\u00b7\u00c0-\uffff]+)",
    r"(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)",
    r"""(?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\u00b7\u00c0-\uffff-]*)?:
              (?:[\w:%\u00b7\u00c0-\uffff-]|\\.|\.(?=[\w:%]))*)""",
    r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
    r"(?P<other>.)",
)
_TOKEN = re.compile("|".join(_UNITS), re.VERBOSE | re.DOTALL)
_PLAIN = re.compile("|".join(u for u in _UNITS if "<pname>" not in u), re.VERBOSE | re.DOTALL)
_NAME_RUN = re.compile(r"[A-Za-z\u00c0-\uffff][\w.\u00b7\u00c0-\uffff-]*")
# A quoted string's opening and body, up to where its closing quote has to be (for each quote).
_QUOTED = {
    quote: (
        (
            "long",
            re.compile(rf"{quote * 3}(?:[^{quote}\\]|\\.|{quote}(?!{quote * 2}))*", re.DOTALL),
            quote * 3,
        ),
        ("string", re.compile(rf"{quote}(?:[^{quote}\\\n\r]|\\.)*", re.DOTALL), quote),
    )
    for quote in "\"'"
}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPERANDS = ("variable", "string", "long", "number", "iri", "pname")  # what a value ends with


@dataclass(frozen=True)
class QueryText:
    """What a SPARQL request is, read from its text.

    Attributes:
        form: SELECT, CONSTRUCT, ASK or DESCRIBE; None when no query form comes first.
        update: True when the text holds a SPARQL Update operation.
        services: Every SERVICE target: an absolute IRI, or None when it is a variable or a
            prefixed name whose prefix is not declared (no endpoint known in advance).
        dataset: True when the query names its own dataset (FROM or FROM NAMED).
        default_graphs: The IRIs after FROM (None where one cannot be read in advance).
        named_graphs: The IRIs after FROM NAMED (likewise).
        volatile: True when the query calls NOW, RAND, UUID or STRUUID: each run differs.
        based: True when the query declares its own BASE (before its query form).
    """

    form: str | None
    update: bool
    services: tuple[str | None, ...]
    dataset: bool = False
    default_graphs: tuple[str | None, ...] = ()
    named_graphs: tuple[str | None, ...] = ()
    volatile: bool = False
    based: bool = False


def read(text: str, base: str) -> QueryText:
    """Read a request's text; relative IRIs resolve against `base` (or the query's BASE).

    Everything is as the engine reads the text, except `update` and `services`, which also
    count what an engine that decodes escapes everywhere would see.
    """
    exact = engine_reading(text, base)
    decoded = unescape(text)
    if decoded == text:
        return exact
    spec = engine_reading(decoded, base)
    services = tuple(dict.fromkeys((*exact.services, *spec.services)))
    return replace(exact, update=exact.update or spec.update, services=services)


def check(query: QueryText, allowlist: Sequence[str]) -> None:
    """Refuse what this read-only endpoint does not do.

    Raises:
        ForbiddenQueryError: an update, or a SERVICE call to an endpoint not in `allowlist`.
    """
    if query.update:
        raise ForbiddenQueryError("this endpoint is read-only: SPARQL Update is not accepted")
    for target in query.services:
        if target is None:
            raise ForbiddenQueryError(
                "SERVICE needs a fixed endpoint IRI here, not a variable or an undeclared prefix"
            )
        if target not in allowlist:
            allowed = ", ".join(allowlist) if allowlist else "none"
            raise ForbiddenQueryError(
                f"SERVICE <{target}> is not allowed on this server (allowed endpoints: {allowed})"
            )


def unescape(text: str) -> str:
    """The text with SPARQL's codepoint escapes (`\\uXXXX`, `\\UXXXXXXXX`) decoded."""

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE.sub(decode, text)


class _Position:
    """Where the reader stands in the grammar, as far as it decides what a `<` is.

    A `<` is the less-than operator after an operand inside an expression, and opens an IRI
    everywhere else. Brackets are tracked as expressions ('expr': FILTER, BIND, function calls,
    the SELECT clause, solution modifiers), lists of terms ('terms': collections, VALUES rows),
    groups ('{') and blank-node property lists ('[').
    """

    def __init__(self) -> None:
        self.brackets: list[str] = []
        self.previous: tuple[str, str] = ("other", "")
        self.before: tuple[str, str] = ("other", "")
        self.clause = ""  # 'select' (SELECT … WHERE) or 'modifier' (GROUP BY, ORDER BY, HAVING)

    def iri_here(self) -> bool:
        """Whether a `<` at this point opens an IRI (else: it is an operator)."""
        in_expression = bool(self.brackets) and self.brackets[-1] == "expr"
        return not (in_expression and self._after_operand())

    def _after_operand(self) -> bool:
        kind, value = self.previous
        if kind in _OPERANDS or value in (")", "]"):
            return True
        # true, false, and a language tag (`"x"@en < ?y`) end values too
        return kind == "word" and (value.upper() in ("TRUE", "FALSE") or self.before[1] == "@")

    def see(self, kind: str, value: str) -> None:
        """Move past one token (spaces and comments are not shown)."""
        upper = value.upper() if kind == "word" else ""
        if kind == "other" and value == "(":
            self.brackets.append(self._paren())
        elif kind == "other" and value in "{[":
            self.brackets.append(value)
            self.clause = "" if value == "{" else self.clause
        elif kind == "other" and value in ")]}":
            opening = {")": ("expr", "terms"), "]": ("[",), "}": ("{",)}[value]
            while self.brackets and self.brackets.pop() not in opening:
                pass
            self.clause = "" if value == "}" else self.clause
        elif upper == "SELECT":
            self.clause = "select"
        elif upper in ("BY", "HAVING"):
            self.clause = "modifier"
        elif upper in ("WHERE", "LIMIT", "OFFSET", "VALUES"):
            self.clause = ""
        self.before, self.previous = self.previous, (kind, value)

    def _paren(self) -> str:
        """What a `(` opens here."""
        kind, value = self.previous
        if self.clause or (self.brackets and self.brackets[-1] == "expr"):
            return "expr"
        if kind == "word":  # FILTER, BIND, a built-in; but `VALUES (?x)` and `?s a (1 2)`
            return "terms" if value.upper() == "VALUES" or value == "a" else "expr"
        if kind in ("iri", "pname"):  # a function after FILTER; else an object's collection
            return "expr" if self.before[1].upper() == "FILTER" else "terms"
        return "terms"


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """The tokens of `text` but spaces and comments, as the engine finds them, in linear time.

    Two units can scan far ahead and then fail: a run of name characters with no ':' after it
    (taken for a prefixed name's prefix), and a string whose closing quote never comes. Tried
    again at each position of a long line, that would take time quadratic in its length (a
    100,000-character query for minutes). Both failures are remembered instead: no prefixed name
    starts inside a run known to end without ':', and no string of a kind starts before the point
    where a failed one of that kind stopped (any quote of that kind before that point was escaped,
    so a string opened there meets the same text and fails the same way).
    """
    pos, end = 0, len(text)
    run_end, run_colon = 0, False  # the run of name characters around `pos`, if known
    hopeless: dict[str, int] = {}  # string kind -> no string of that kind opens before this
    where = _Position()
    while pos < end:
        if text[pos] in "\"'":
            kind, stop = _quoted(text, pos, hopeless)
        elif text[pos] == "<" and not where.iri_here():
            kind, stop = "other", pos + 1
        else:
            if pos >= run_end and (run := _NAME_RUN.match(text, pos)) is not None:
                run_end = run.end()
                run_colon = text.startswith(":", run_end)
            pattern = _PLAIN if pos < run_end and not run_colon else _TOKEN
            match = pattern.match(text, pos)
            assert match is not None  # `other` matches any character
            kind, stop = match.lastgroup or "other", match.end()
        if kind not in ("space", "comment"):
            value = text[pos:stop]
            where.see(kind, value)
            yield kind, value
        pos = stop


def _quoted(text: str, pos: int, hopeless: dict[str, int]) -> tuple[str, int]:
    """The unit at a quote: a long string, a string, or the quote alone (unclosed)."""
    for kind, body, opening in _QUOTED[text[pos]]:
        if pos < hopeless.get(opening, 0) or not text.startswith(opening, pos):
            continue
        reach = body.match(text, pos)
        assert reach is not None
        if text.startswith(opening, reach.end()):
            return kind, reach.end() + len(opening)
        hopeless[opening] = reach.end()
    return "other", pos + 1


def engine_reading(text: str, base: str) -> QueryText:
    """The text as the embedded engine reads it (escapes decoded in IRIs and strings only)."""
    tokens = list(_tokens(text))
    prefixes: dict[str, str] = {}
    form: str | None = None
    update = volatile = dataset = based = False
    services: list[str | None] = []
    graphs: dict[bool, list[str | None]] = {False: [], True: []}
    for i, (kind, value) in enumerate(tokens):
        upper = value.upper() if kind == "word" else ""
        following = tokens[i + 1 : i + 4]  # what the keywords below look at: at most 3 tokens
        if upper == "BASE" and following and following[0][0] == "iri":
            base = urljoin(base, _iri(following[0][1]))
            based = based or form is None
        elif upper == "PREFIX" and len(following) >= 2 and following[0][0] == "pname":
            if following[1][0] == "iri":
                name = following[0][1].rstrip(":").split(":")[0]
                prefixes[name] = urljoin(base, _iri(following[1][1]))
        elif upper in QUERY_FORMS and form is None:
            form = upper
        elif upper in UPDATE_WORDS:
            update = True
        elif upper == "SERVICE":
            services.append(_target(following, prefixes, base))
        elif upper == "FROM":
            dataset = True
            named = bool(following) and following[0][1].upper() == "NAMED"
            graphs[named].append(_target(following[1:] if named else following, prefixes, base))
        elif upper in VOLATILE_CALLS and following[:1] == [("other", "(")]:
            volatile = True
    return QueryText(
        form,
        update,
        tuple(services),
        dataset,
        tuple(graphs[False]),
        tuple(graphs[True]),
        volatile,
        based,
    )


def _iri(token: str) -> str:
    """An IRI token's IRI: its escapes decoded, as the engine decodes them."""
    return unescape(token[1:-1])


def _target(following: list[tuple[str, str]], prefixes: dict[str, str], base: str) -> str | None:
    if following and following[0][0] == "word" and following[0][1].upper() == "SILENT":
        following = following[1:]
    if not following:
        return None
    kind, value = following[0]
    if kind == "iri":
        return urljoin(base, _iri(value))
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None
