"""Validation: SHACL shapes over the union of graphs, then the dataset rules, in one `Report`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

from ckpld.model import shacl_sparql
from ckpld.model.report import Finding, Report, add_result
from ckpld.model.rules import check_rules
from ckpld.model.sources import Dataset
from ckpld.rdf.rdflib_terms import to_rdflib


def validate(dataset: Dataset, shapes: rdflib.Graph) -> Report:
    """Validate `dataset` against `shapes` and the dataset rules."""
    data = to_rdflib(dataset.triples())
    store = ox.Store()
    store.extend(dataset.quads)
    sparql = shacl_sparql.constraints(shapes)  # run by Oxigraph, once each, not per node
    _, graph, _ = pyshacl.validate(
        data,
        shacl_graph=shacl_sparql.without(shapes, sparql),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    report_node = next(graph.subjects(RDF.type, SH.ValidationReport))
    findings = [_finding(graph, result) for result in graph.objects(None, SH.result)]
    for finding in shacl_sparql.check(store, sparql):
        _copy_path(shapes, graph, finding.path)
        add_result(graph, report_node, finding)
        findings.append(finding)
    findings.sort(key=lambda f: (str(f.shape), str(f.focus), str(f.value)))
    rule_findings = check_rules(dataset, store)
    for finding in rule_findings:
        add_result(graph, report_node, finding)
    every = (*findings, *rule_findings)
    conforms = not any(f.severity == "Violation" for f in every)
    graph.set((report_node, SH.conforms, rdflib.Literal(conforms)))
    return Report(conforms, every, graph)


def _copy_path(shapes: rdflib.Graph, graph: rdflib.Graph, path: rdflib.term.Node | None) -> None:
    """Copy a complex (blank-node) SHACL path from the shapes into the report graph."""
    if isinstance(path, rdflib.BNode):
        for triple in shapes.triples((path, None, None)):
            graph.add(triple)
            _copy_path(shapes, graph, triple[2])


# The code whose behaviour a cached verdict depends on, besides the data and the shapes.
_CODE = tuple(
    Path(__file__).with_name(name) for name in ("validation.py", "rules.py", "shacl_sparql.py")
)


def verdict_key(data_version: str, shapes_file: Path) -> str:
    """Names one validation: the data, the shapes file, the rules' code and pySHACL's version."""
    digest = hashlib.sha256(f"{data_version}\n{pyshacl.__version__}\n".encode())
    for path in (shapes_file, *_CODE):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def known_valid(cache_dir: Path, key: str) -> bool:
    """True when data with this key was validated before and conformed."""
    return (cache_dir / "validated" / key).is_file()


def remember_valid(cache_dir: Path, key: str) -> None:
    """Record that data with this key conforms (best effort: a read-only folder only costs a
    validation at the next start)."""
    folder = cache_dir / "validated"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{key}.tmp"
        temporary.write_text("conforms\n", encoding="utf-8")
        temporary.replace(folder / key)
    except OSError:
        pass


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
