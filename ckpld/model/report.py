"""Validation findings and the report that holds them, as text, JSON or a SHACL report graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ckpld.rdf.namespaces import compact


@dataclass(frozen=True)
class Finding:
    """One problem found in the data.

    Attributes:
        severity: 'Violation', 'Warning' or 'Info' (local names of the SHACL severities).
        focus: The node the problem is about (an rdflib term).
        path: The property path concerned, if any (an rdflib term; blank node for complex paths).
        value: The offending value, if any.
        shape: The shape or dataset rule that was broken.
        component: The SHACL constraint component (or ckpld's dataset-rule component).
        messages: The message in each language it was written in, as (language, text) pairs.
    """

    severity: str
    focus: rdflib.term.Node
    path: rdflib.term.Node | None
    value: rdflib.term.Node | None
    shape: rdflib.term.Node
    component: rdflib.term.Node
    messages: tuple[tuple[str, str], ...]

    def message(self, lang: str = "en") -> str:
        """The message in `lang`, else in English, else any."""
        by_lang = dict(self.messages)
        return by_lang.get(lang) or by_lang.get("en") or next(iter(by_lang.values()), "")


@dataclass(frozen=True)
class Report:
    """The outcome of validating a dataset.

    Attributes:
        conforms: True when no finding is a violation (warnings allowed).
        findings: Every finding, shapes first, then dataset rules.
        graph: The SHACL validation report as RDF, dataset-rule findings included.
    """

    conforms: bool
    findings: tuple[Finding, ...]
    graph: rdflib.Graph

    def as_json(self) -> dict[str, Any]:
        """A plain JSON-ready summary: conformance and one object per finding."""
        return {
            "conforms": self.conforms,
            "findings": [
                {
                    "severity": f.severity,
                    "focus": _n3(f.focus),
                    "path": path_text(self.graph, f.path, {}) if f.path is not None else None,
                    "value": _n3(f.value) if f.value is not None else None,
                    "shape": _n3(f.shape),
                    "component": _n3(f.component),
                    "message": dict(f.messages),
                }
                for f in self.findings
            ],
        }

    def text(self, prefixes: dict[str, str], lang: str = "en") -> str:
        """A readable report: one block per finding naming focus, path, rule and message."""
        blocks = []
        for f in self.findings:
            lines = [f"{f.severity}: {_short(f.focus, prefixes)}"]
            if f.path is not None:
                lines.append(f"  path:    {path_text(self.graph, f.path, prefixes)}")
            if f.value is not None:
                lines.append(f"  value:   {_short(f.value, prefixes)}")
            component = _short(f.component, prefixes)
            lines.append(f"  rule:    {_short(f.shape, prefixes)} ({component})")
            lines.append(f"  message: {f.message(lang)}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)


def add_result(graph: rdflib.Graph, report: rdflib.term.Node, finding: Finding) -> None:
    node = rdflib.BNode()
    graph.add((report, SH.result, node))
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.resultSeverity, SH[finding.severity]))
    graph.add((node, SH.focusNode, finding.focus))
    graph.add((node, SH.sourceShape, finding.shape))
    graph.add((node, SH.sourceConstraintComponent, finding.component))
    if finding.path is not None:
        graph.add((node, SH.resultPath, finding.path))
    if finding.value is not None:
        graph.add((node, SH.value, finding.value))
    for lang, text in finding.messages:
        graph.add((node, SH.resultMessage, rdflib.Literal(text, lang=lang)))


def _n3(node: rdflib.term.Node) -> str:
    return str(node.n3()) if isinstance(node, rdflib.term.Identifier) else str(node)


def _short(node: rdflib.term.Node, prefixes: dict[str, str]) -> str:
    if isinstance(node, rdflib.URIRef):
        return compact(str(node), prefixes)
    if isinstance(node, rdflib.Literal):
        return str(node.n3())
    return "(anonymous shape)" if isinstance(node, rdflib.BNode) else str(node)


def path_text(graph: rdflib.Graph, path: rdflib.term.Node, prefixes: dict[str, str]) -> str:
    """A SHACL property path in SPARQL property-path syntax."""
    if isinstance(path, rdflib.URIRef):
        return _short(path, prefixes)
    if (path, RDF.first, None) in graph:
        items = Collection(graph, path)
        return "/".join(path_text(graph, p, prefixes) for p in items)
    unary = {
        SH.inversePath: "^{}",
        SH.zeroOrMorePath: "{}*",
        SH.oneOrMorePath: "{}+",
        SH.zeroOrOnePath: "{}?",
    }
    for predicate, form in unary.items():
        inner = graph.value(path, predicate)
        if inner is not None:
            return form.format(path_text(graph, inner, prefixes))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        items = Collection(graph, alternatives)
        return "(" + "|".join(path_text(graph, p, prefixes) for p in items) + ")"
    return str(path)
