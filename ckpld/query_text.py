"""Reading SPARQL text without running it: the query form, updates, and every SERVICE target.

The embedded engine (pyoxigraph) calls any `SERVICE <endpoint>` itself, over HTTP, so a query has
to be read, and refused when it would reach outside, before it runs. The reading is lexical:
comments, strings and IRIs are skipped as units, so `SERVICE` inside a string or an IRI is not
taken for the keyword, and the `\\uXXXX` escapes that SPARQL lets appear anywhere are checked in
both their written and their decoded forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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

# The lexical units, in the order they are tried at each position. A prefixed name's prefix is a
# run of name characters (`_NAME_RUN`) followed by ':'; `_PLAIN` is `_TOKEN` without prefixed names.
_UNITS = (
    r"(?P<space>\s+)",
    r"(?P<comment>\#[^\n\r]*)",
    r"""(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)""",
    r"""(?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')""",
    r"""(?P<string>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')""",
    r"(?P<variable>[?$][\w\u00b7\u00c0-\uffff]+)",
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
    """

    form: str | None
    update: bool
    services: tuple[str | None, ...]
    dataset: bool = False
    default_graphs: tuple[str | None, ...] = ()
    named_graphs: tuple[str | None, ...] = ()


def read(text: str, base: str) -> QueryText:
    """Read a request's text; relative IRIs resolve against `base` (or the query's BASE)."""
    decoded = unescape(text)
    readings = [_read(text, base)] + ([_read(decoded, base)] if decoded != text else [])
    form = readings[-1].form
    update = any(r.update for r in readings)
    services = tuple(dict.fromkeys(s for r in readings for s in r.services))
    last = readings[-1]
    dataset = any(r.dataset for r in readings)
    return QueryText(form, update, services, dataset, last.default_graphs, last.named_graphs)


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


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """The tokens of `text` but spaces and comments, as `_TOKEN` finds them, in linear time.

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
    while pos < end:
        if text[pos] in "\"'":
            kind, stop = _quoted(text, pos, hopeless)
        else:
            if pos >= run_end and (run := _NAME_RUN.match(text, pos)) is not None:
                run_end = run.end()
                run_colon = text.startswith(":", run_end)
            pattern = _PLAIN if pos < run_end and not run_colon else _TOKEN
            match = pattern.match(text, pos)
            assert match is not None  # `other` matches any character
            kind, stop = match.lastgroup or "other", match.end()
        if kind not in ("space", "comment"):
            yield kind, text[pos:stop]
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


def _read(text: str, base: str) -> QueryText:
    tokens = list(_tokens(text))
    prefixes: dict[str, str] = {}
    form: str | None = None
    update = False
    services: list[str | None] = []
    dataset = False
    graphs: dict[bool, list[str | None]] = {False: [], True: []}
    for i, (kind, value) in enumerate(tokens):
        upper = value.upper() if kind == "word" else ""
        following = tokens[i + 1 : i + 4]  # what the keywords below look at: at most 3 tokens
        if upper == "BASE" and following and following[0][0] == "iri":
            base = urljoin(base, following[0][1][1:-1])
        elif upper == "PREFIX" and len(following) >= 2 and following[0][0] == "pname":
            prefixes[following[0][1].rstrip(":").split(":")[0]] = urljoin(
                base, following[1][1][1:-1]
            )
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
    return QueryText(
        form, update, tuple(services), dataset, tuple(graphs[False]), tuple(graphs[True])
    )


def _target(following: list[tuple[str, str]], prefixes: dict[str, str], base: str) -> str | None:
    if following and following[0][0] == "word" and following[0][1].upper() == "SILENT":
        following = following[1:]
    if not following:
        return None
    kind, value = following[0]
    if kind == "iri":
        return urljoin(base, value[1:-1])
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None
