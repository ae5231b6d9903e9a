"""Writing a query's answer where the query ran: a `Writer` is handed to the query process, so
that the time and memory a body takes are bound by the query's own deadline and limits.

Every writer's cost is linear in what it writes: the SPARQL results formats are written straight
from the rows (ckpld.store.results), Turtle, N-Triples, N-Quads, TriG and RDF/XML by Oxigraph;
JSON-LD is compacted term by term. What a format cannot carry is refused with 406 naming the
value and the formats that can: characters XML 1.0 does not allow (NUL and most other control
characters) in the XML formats, triple terms in JSON-LD, and values longer than 16 MiB where
Oxigraph's results writers still write (literals with a base direction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ckpld.errors import NotAcceptableError
from ckpld.rdf.formats import HTML, RDF_FORMATS, RESULTS_FORMATS, Format, named
from ckpld.store import QueryResult, Term
from ckpld.store.documents import render
from ckpld.store.results import serialize

# Characters outside XML 1.0's Char production: no XML document can hold them, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_FORMATS = ("xml", "rdfxml")
BOOLEAN_FORMATS = tuple(f for f in RESULTS_FORMATS if f.name in ("json", "xml"))


@dataclass(frozen=True)
class Writer:
    """Writes a QueryResult in the format called `format` (a name in ckpld.rdf.formats)."""

    format: str
    prefixes: dict[str, str]
    context: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        """Keep only the tables the format uses: none for the SPARQL results formats, the
        prefixes for the RDF formats, and the JSON-LD context for JSON-LD. A writer travels to
        the query process with every query; the context alone is some 8 KB to pickle and
        unpickle each time."""
        rdf = named(self.format).rdf
        if rdf is None:
            object.__setattr__(self, "prefixes", {})
        if rdf != ox.RdfFormat.JSON_LD:
            object.__setattr__(self, "context", None)

    def __call__(self, result: QueryResult) -> bytes:
        """The body.

        Raises:
            NotAcceptableError: this format cannot carry this answer.
        """
        fmt = named(self.format)
        if self.format in XML_FORMATS:
            _refuse_unwritable_in_xml(result, fmt)
        if result.kind == "graph":
            if fmt.rdf == ox.RdfFormat.JSON_LD and any(_nested(t) for t in result.triples):
                why = "triple terms, which JSON-LD cannot carry"
                raise _unwritable(result, fmt, why, ("jsonld",))
            quads = [ox.Quad(t.subject, t.predicate, t.object) for t in result.triples]
            return render(quads, fmt, self.prefixes, self.context)
        # SELECT and ASK answers; also written by `ckpld query` (the same writers)
        try:
            return serialize(result, fmt, self.prefixes)
        except MemoryError as err:  # pyoxigraph's results writers take values up to 16 MiB
            if "buffer" not in str(err):
                raise
            why = "a value longer than 16 MiB"
            raise _unwritable(result, fmt, why, ("xml", "csv", "tsv")) from err


def formats_for(result: QueryResult) -> tuple[Format, ...]:
    """The formats an answer of this kind is offered in (HTML aside)."""
    if result.kind == "graph":
        return RDF_FORMATS
    return BOOLEAN_FORMATS if result.kind == "boolean" else RESULTS_FORMATS


def _refuse_unwritable_in_xml(result: QueryResult, fmt: Format) -> None:
    terms: list[Term | None] = [t for row in result.rows for t in row]
    for triple in result.triples:
        terms.extend((triple.subject, triple.predicate, triple.object))
    for term in terms:
        for value in _texts(term):
            if (found := _NOT_XML.search(value)) is not None:
                shown = value if len(value) <= 60 else value[:60] + "…"
                why = (
                    f"the value {shown!r}, whose character U+{ord(found.group()):04X} XML "
                    "cannot carry"
                )
                raise _unwritable(result, fmt, why, XML_FORMATS)


def _texts(term: Term | None) -> list[str]:
    """The strings a term is written with: its value, and a literal's language and datatype."""
    if isinstance(term, ox.Triple):
        return [*_texts(term.subject), *_texts(term.predicate), *_texts(term.object)]
    if isinstance(term, ox.Literal):
        return [term.value, term.language or "", term.datatype.value]
    return [] if term is None else [term.value]


def _nested(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.Triple) or isinstance(triple.object, ox.Triple)


def _unwritable(
    result: QueryResult, fmt: Format, why: str, unable: tuple[str, ...]
) -> NotAcceptableError:
    """406 for an answer this format (and the formats named `unable`) cannot carry, naming the
    formats that can."""
    others = ", ".join(
        f.media_type for f in (*formats_for(result), HTML) if f.name not in (fmt.name, *unable)
    )
    return NotAcceptableError(
        f"this answer holds {why}, so it cannot be sent as {fmt.media_type}; "
        f"it is available as: {others}"
    )
