"""Writing a `QueryResult`: SPARQL results formats, RDF formats, and a text table for terminals."""

from __future__ import annotations

import json
import re
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
        if fmt.results != ox.QueryResultsFormat.JSON and not _directed(result):
            return _WRITERS[fmt.results](result)
        document = json.dumps(results_json(result), ensure_ascii=False).encode()
        if fmt.results == ox.QueryResultsFormat.JSON:
            return document
        # Literals with a base direction (RDF 1.2): Oxigraph's own writers, through JSON.
        parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
        written = parsed.serialize(format=fmt.results)
        assert written is not None  # no output file given: pyoxigraph returns the bytes
        return written
    wanted = "an RDF format" if result.kind == "graph" else "a SPARQL results format"
    raise NotAcceptableError(f"a {result.kind} result needs {wanted}, not {fmt.name}")


# SPARQL results in XML, CSV and TSV, written straight from the rows in one pass (the same bytes
# Oxigraph's writers make, as tests/test_results.py checks against them).
_XML_HEAD = '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})
_XML_SPACE = " \t\n\r"
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_CSV_QUOTED = re.compile('[",\r\n]')
_XSD = "http://www.w3.org/2001/XMLSchema#"
# Literals TSV writes bare, as Turtle's shorthand does, when their lexical form is Turtle's.
_TSV_BARE = {
    _XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
    _XSD + "boolean": re.compile(r"true|false"),
}


def _directed(result: QueryResult) -> bool:
    """Whether a value is a literal with a base direction (which only Oxigraph's writers do)."""
    return any(_has_direction(term) for row in result.rows for term in row)


def _has_direction(term: Term | None) -> bool:
    if isinstance(term, ox.Literal):
        return getattr(term, "direction", None) is not None
    if isinstance(term, ox.Triple):
        return any(_has_direction(t) for t in (term.subject, term.predicate, term.object))
    return False


def _xml(result: QueryResult) -> bytes:
    head = "".join(f'<variable name="{name}"/>' for name in result.variables)
    out = [_XML_HEAD, f"<head>{head}</head>"]
    if result.kind == "boolean":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for name, term in zip(result.variables, row, strict=True):
                if term is not None:
                    out.append(f'<binding name="{name}">{_xml_term(term)}</binding>')
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "".join(out).encode()


def _xml_text(text: str) -> str:
    """Text content, escaped; whitespace at either end as character references, which a reader
    that trims text keeps."""
    start = len(text) - len(text.lstrip(_XML_SPACE))
    end = max(start, len(text.rstrip(_XML_SPACE)))
    head = "".join(f"&#{ord(c)};" for c in text[:start])
    tail = "".join(f"&#{ord(c)};" for c in text[end:])
    return head + text[start:end].translate(_XML_ESCAPES) + tail


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        value = _xml_text(term.value)
        if term.language:
            return f'<literal xml:lang="{term.language.translate(_XML_ESCAPES)}">{value}</literal>'
        if term.datatype.value != _XSD_STRING:
            datatype = term.datatype.value.translate(_XML_ESCAPES)
            return f'<literal datatype="{datatype}">{value}</literal>'
        return f"<literal>{value}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _csv(result: QueryResult) -> bytes:
    if result.kind == "boolean":
        return b"true" if result.boolean else b"false"
    lines = [",".join(_csv_field(name) for name in result.variables)]
    lines += [",".join(_csv_cell(term) for term in row) for row in result.rows]
    return "".join(line + "\r\n" for line in lines).encode()


def _csv_cell(term: Term | None) -> str:
    """A value as CSV holds it; a triple term's parts each so, separated by spaces."""
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        return " ".join(_csv_cell(t) for t in (term.subject, term.predicate, term.object))
    return _csv_field(f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value)


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _CSV_QUOTED.search(text) else text


def _tsv(result: QueryResult) -> bytes:
    if result.kind == "boolean":
        return b"true" if result.boolean else b"false"
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in result.rows]
    return "".join(line + "\n" for line in lines).encode()


def _tsv_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        quoted = '"' + term.value.translate(_TSV_ESCAPES) + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        datatype = term.datatype.value
        bare = _TSV_BARE.get(datatype)
        if bare is not None and bare.fullmatch(term.value):
            return term.value
        return quoted if datatype == _XSD_STRING else f"{quoted}^^<{datatype}>"
    parts = " ".join(_tsv_term(t) for t in (term.subject, term.predicate, term.object))
    return f"<<( {parts} )>>"


_WRITERS = {
    ox.QueryResultsFormat.XML: _xml,
    ox.QueryResultsFormat.CSV: _csv,
    ox.QueryResultsFormat.TSV: _tsv,
}


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
