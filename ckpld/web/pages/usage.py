"""Where the vocabulary is used: how often each own term occurs in the data, and on what; the
concept schemes with their concepts. For the vocabulary page."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ckpld.store import Store
from ckpld.store.documents import internal_query

_SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass
class Usage:
    """One term's use: instances of a class, or statements with a property and their subjects'
    types."""

    instances: int = 0
    statements: int = 0
    subject_types: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scheme:
    """A SKOS concept scheme and its concepts, with labels in one language."""

    iri: str
    label: str
    concepts: list[tuple[str, str]]  # (IRI, label)


def usage(store: Store, namespace: str) -> dict[str, Usage]:
    """How each term of `namespace` is used in the data (terms never used are absent)."""
    within = f"FILTER (STRSTARTS(STR(?term), {ox.Literal(namespace)}))"
    found: dict[str, Usage] = {}
    for query, counted in (
        (
            f"SELECT ?term (COUNT(*) AS ?n) WHERE {{ ?s a ?term {within} }} GROUP BY ?term",
            "instances",
        ),
        (
            f"SELECT ?term (COUNT(*) AS ?n) WHERE {{ ?s ?term ?o {within} }} GROUP BY ?term",
            "statements",
        ),
    ):
        for term, n in internal_query(store, query).rows:
            if isinstance(term, ox.NamedNode) and isinstance(n, ox.Literal):
                setattr(found.setdefault(term.value, Usage()), counted, int(n.value))
    types = internal_query(
        store,
        f"SELECT DISTINCT ?term ?type WHERE {{ ?s ?term ?o . ?s a ?type {within} }} "
        "ORDER BY ?term ?type",
    )
    for term, type_ in types.rows:
        if isinstance(term, ox.NamedNode) and isinstance(type_, ox.NamedNode):
            found.setdefault(term.value, Usage()).subject_types.append(type_.value)
    return found


def schemes(store: Store, lang: str) -> list[Scheme]:
    """Every concept scheme with its concepts, labelled in `lang` (else any language)."""
    result = internal_query(
        store,
        f"""SELECT ?scheme ?schemeLabel ?concept ?label WHERE {{
          ?concept <{_SKOS}inScheme> ?scheme .
          OPTIONAL {{ ?scheme <{_SKOS}prefLabel> ?schemeLabel }}
          OPTIONAL {{ ?concept <{_SKOS}prefLabel> ?label }}
        }}""",
    )
    labels: dict[str, dict[str, str]] = {}
    members: dict[str, list[str]] = {}
    for scheme, scheme_label, concept, label in result.rows:
        if not isinstance(scheme, ox.NamedNode) or not isinstance(concept, ox.NamedNode):
            continue
        if concept.value not in members.setdefault(scheme.value, []):
            members[scheme.value].append(concept.value)
        for iri, literal in ((scheme.value, scheme_label), (concept.value, label)):
            if isinstance(literal, ox.Literal):
                labels.setdefault(iri, {}).setdefault(literal.language or "", literal.value)

    def name(iri: str) -> str:
        known = labels.get(iri, {})
        return known.get(lang) or next(iter(known.values()), iri)

    return sorted(
        (
            Scheme(s, name(s), sorted(((c, name(c)) for c in cs), key=lambda c: c[1]))
            for s, cs in members.items()
        ),
        key=lambda s: s.label,
    )
