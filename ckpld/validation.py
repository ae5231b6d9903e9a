"""Validation: SHACL shapes over the union of graphs, then the dataset rules, in one `Report`."""

from __future__ import annotations

from typing import Any

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

from ckpld.report import Finding, Report, add_result
from ckpld.rules import check_rules
from ckpld.sources import Dataset, to_rdflib


def validate(dataset: Dataset, shapes: rdflib.Graph) -> Report:
    """Validate `dataset` against `shapes` and the dataset rules."""
    data = to_rdflib(dataset.triples())
    _, graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    findings = [_finding(graph, result) for result in graph.objects(None, SH.result)]
    findings.sort(key=lambda f: (str(f.shape), str(f.focus), str(f.value)))
    rule_findings = check_rules(dataset)
    report_node = next(graph.subjects(RDF.type, SH.ValidationReport))
    for finding in rule_findings:
        add_result(graph, report_node, finding)
    every = (*findings, *rule_findings)
    conforms = not any(f.severity == "Violation" for f in every)
    graph.set((report_node, SH.conforms, rdflib.Literal(conforms)))
    return Report(conforms, every, graph)


def _finding(graph: rdflib.Graph, result: rdflib.term.Node) -> Finding:
    def one(predicate: rdflib.URIRef) -> Any:
        return graph.value(result, predicate)

    severity = str(one(SH.resultSeverity)).rsplit("#", 1)[-1]
    messages = tuple(
        (m.language or "en", str(m))
        for m in graph.objects(result, SH.resultMessage)
        if isinstance(m, rdflib.Literal)
    )
    return Finding(
        severity,
        one(SH.focusNode),
        one(SH.resultPath),
        one(SH.value),
        one(SH.sourceShape),
        one(SH.sourceConstraintComponent),
        messages,
    )
