"""SHACL-SPARQL constraints (`sh:sparql`) run by Oxigraph: one query per constraint, not per node.

pySHACL runs a SPARQL-based constraint once per focus node on rdflib's engine, which made the
three such constraints of ckpld's shapes most of the validation time, growing with the data. Here
each constraint's SELECT runs once, on the Oxigraph store that the dataset rules use, with `$this`
joined to the focus nodes of its shape instead of pre-bound; validation gives pySHACL the shapes
without the constraints taken over here.

What is taken over: SELECT-based constraints (`sh:select`, prefixes from `sh:prefixes` /
`sh:declare`, `$PATH`, message templates `{?var}` / `{$var}`, `sh:deactivated`, `sh:severity`) on
node shapes with targets, and on property shapes that such node shapes list in `sh:property`.
Targets: `sh:targetClass` (with `rdfs:subClassOf*`), implicit class targets, `sh:targetNode`,
`sh:targetSubjectsOf`, `sh:targetObjectsOf`. Anything else (a constraint reached only through
`sh:node`, say) stays with pySHACL, so every constraint is checked by one of the two.

Because `$this` is joined rather than pre-bound, a constraint must bind `$this` (and any
variable its FILTERs read) in the same group as the FILTER, as SPARQL's own semantics demand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from ckpld.model.report import Finding, path_text
from ckpld.rdf.rdflib_terms import rdflib_term

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Constraint:
    """One `sh:sparql` constraint, ready to run over the whole data at once.

    Attributes:
        shape: The shape that has the constraint (reported as the source shape).
        node: The constraint node (the object of `sh:sparql`).
        query: The SELECT, with prefixes, `$PATH` replaced and the focus nodes joined in.
        path: The property shape's `sh:path` (None for a node shape).
        severity: Local name of the shape's severity.
        messages: The constraint's (else the shape's) messages, as (language, template) pairs.
    """

    shape: rdflib.term.Node
    node: rdflib.term.Node
    query: str
    path: rdflib.term.Node | None
    severity: str
    messages: tuple[tuple[str, str], ...]


def constraints(shapes: rdflib.Graph) -> list[Constraint]:
    """The SPARQL-based constraints of `shapes` that can run here (see the module text)."""
    found = []
    for shape, node in sorted(shapes.subject_objects(SH.sparql), key=str):
        select = shapes.value(node, SH.select)
        if select is None or _deactivated(shapes, shape) or _deactivated(shapes, node):
            continue
        path = shapes.value(shape, SH.path)
        focus = _focus_pattern(shapes, shape)
        match = _WHERE.search(str(select))
        if focus is None or match is None or ("$PATH" in str(select) and path is None):
            continue
        text = str(select)
        if path is not None:
            text = text.replace("$PATH", path_text(shapes, path, {}))
        text = f"{text[: match.end()]}\n{focus}\n{text[match.end() :]}"
        severity = shapes.value(shape, SH.severity, default=SH.Violation)
        messages = _messages(shapes, node) or _messages(shapes, shape)
        found.append(
            Constraint(
                shape,
                node,
                _prefixes(shapes, node) + text,
                path,
                str(severity).rsplit("#", 1)[-1],
                messages,
            )
        )
    return found


def without(shapes: rdflib.Graph, taken: list[Constraint]) -> rdflib.Graph:
    """A copy of `shapes` without the `sh:sparql` links of the constraints run here."""
    rest = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    links = {(c.shape, SH.sparql, c.node) for c in taken}
    for triple in shapes:
        if triple not in links:
            rest.add(triple)
    return rest


def check(store: ox.Store, taken: list[Constraint]) -> list[Finding]:
    """Every result of the constraints over the union of the store's graphs."""
    findings = []
    for constraint in taken:
        answer = store.query(constraint.query, use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        names = [v.value for v in answer.variables]
        for row in answer:
            bound = {name: row[name] for name in names if row[name] is not None}
            focus = bound.get("this")
            if focus is None:
                continue
            value = bound.get("value", focus if constraint.path is None else None)
            path = bound.get("path")
            findings.append(
                Finding(
                    constraint.severity,
                    rdflib_term(focus),
                    rdflib_term(path) if path is not None else constraint.path,
                    rdflib_term(value) if value is not None else None,
                    constraint.shape,
                    SH.SPARQLConstraintComponent,
                    tuple((lang, _fill(template, bound)) for lang, template in constraint.messages),
                )
            )
    return findings


def _focus_pattern(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    """A group binding ?this to each focus node of `shape`, or None when it has none here."""
    owners = [shape] if shapes.value(shape, SH.path) is None else []
    if not owners:  # a property shape: its own targets, and those of the node shapes using it
        owners = [shape, *shapes.subjects(SH.property, shape)]
    branches = []
    for owner in owners:
        classes = set(shapes.objects(owner, SH.targetClass))
        if (owner, RDF.type, RDFS.Class) in shapes:
            classes.add(owner)
        branches += [
            f"{{ ?this a/<{RDFS.subClassOf}>* {c.n3()} }}" for c in sorted(classes, key=str)
        ]
        nodes = " ".join(n.n3() for n in sorted(shapes.objects(owner, SH.targetNode), key=str))
        if nodes:
            branches.append(f"{{ VALUES ?this {{ {nodes} }} }}")
        branches += [
            f"{{ ?this {p.n3()} ?ckpldAny }}"
            for p in sorted(shapes.objects(owner, SH.targetSubjectsOf), key=str)
        ]
        branches += [
            f"{{ ?ckpldAny {p.n3()} ?this }}"
            for p in sorted(shapes.objects(owner, SH.targetObjectsOf), key=str)
        ]
    if not branches:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"


def _prefixes(shapes: rdflib.Graph, node: rdflib.term.Node) -> str:
    """The shapes file's own prefixes (as pySHACL also offers them), then the declared ones
    (`sh:declare` literals cannot hold ckpld's namespaces, which follow the base IRI)."""
    lines = [f"PREFIX {p}: <{n}>\n" for p, n in sorted(shapes.namespaces()) if p]
    for ontology in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(dict.fromkeys(lines))


def _deactivated(shapes: rdflib.Graph, node: rdflib.term.Node) -> bool:
    return shapes.value(node, SH.deactivated) == rdflib.Literal(True)


def _messages(shapes: rdflib.Graph, node: rdflib.term.Node) -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted(
            (m.language or "en", str(m))
            for m in shapes.objects(node, SH.message)
            if isinstance(m, rdflib.Literal)
        )
    )


def _fill(template: str, bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    def value(match: re.Match[str]) -> str:
        term = bound.get(match.group(1))
        return (
            "" if term is None else term.value if not isinstance(term, ox.BlankNode) else str(term)
        )

    return _TEMPLATE.sub(value, template)
