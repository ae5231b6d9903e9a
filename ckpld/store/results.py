"""Writing a `QueryResult`: SPARQL results formats, RDF formats, and a text table for terminals."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from ckpld.errors import NotAcceptableError
from ckpld.rdf.formats import Format, named
from ckpld.rdf.namespaces import compact
from ckpld.store import QueryResult, Term
from ckpld.store.documents import render

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def serialize(result: QueryResult, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    """`result` in format `fmt`.

    SELECT and ASK results go to the SPARQL results formats, CONSTRUCT and DESCRIBE graphs to
    the RDF formats.

    Raises:
        NotAcceptableError: the format cannot carry this kind of result.
    """
    if result.kind == "graph" and fmt.rdf is not None:  # the same writers as documents'
        return render(_quads(result), fmt, prefixes or {})
    if result.kind != "graph" and fmt.results is not None:
        document = json.dumps(results_json(result), ensure_ascii=False).encode()
        if fmt.results == ox.QueryResultsFormat.JSON:
            return document
        parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
        written = parsed.serialize(format=fmt.results)
        assert written is not None  # no output file given: pyoxigraph returns the bytes
        return written
    wanted = "an RDF format" if result.kind == "graph" else "a SPARQL results format"
    raise NotAcceptableError(f"a {result.kind} result needs {wanted}, not {fmt.name}")


def results_json(result: QueryResult) -> dict[str, Any]:
    """The SPARQL 1.1 Query Results JSON document of a SELECT or ASK result."""
    if result.kind == "boolean":
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [
        {name: term_json(term) for name, term in zip(result.variables, row, strict=True) if term}
        for row in result.rows
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def term_json(term: Term) -> dict[str, Any]:
    """One RDF term in SPARQL results JSON."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            found["datatype"] = term.datatype.value
        return found
    parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
    return {"type": "triple", "value": {k: term_json(v) for k, v in parts.items()}}


def table(result: QueryResult, prefixes: dict[str, str]) -> str:
    """A plain-text table of a result, IRIs shortened with `prefixes`, for terminals."""
    if result.kind == "boolean":
        return "yes" if result.boolean else "no"
    if result.kind == "graph":
        return render(_quads(result), named("turtle"), prefixes).decode()
    header = list(result.variables)
    cells = [[_cell(term, prefixes) for term in row] for row in result.rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(header)]
    lines = [_line(header, widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(row, widths) for row in cells]
    count = len(cells)
    lines.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(lines)


def _quads(result: QueryResult) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object) for t in result.triples]


def _cell(term: Term | None, prefixes: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value, prefixes)
    if isinstance(term, ox.Literal):
        text = term.value.replace("\n", "\\n").replace("\t", "\\t")
        if term.language:
            return f"{text} @{term.language}"
        if term.datatype.value in (_XSD_STRING, "http://www.w3.org/2001/XMLSchema#integer"):
            return text
        return f"{text} ^^{compact(term.datatype.value, prefixes)}"
    return str(term)


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
