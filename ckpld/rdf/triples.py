"""Writing RDF in code: terms from prefixed names, and a list of triples that reads like Turtle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pyoxigraph as ox

from ckpld.rdf.namespaces import STANDARD, term

Value = ox.NamedNode | ox.Literal | str | None
Pair = tuple[str, Value]  # (predicate, object) as `Triples.add` takes them


def iri(name: str) -> ox.NamedNode:
    """A node from a standard prefixed name (`dct:title`, checked: see `term`) or a full IRI.

    Raises:
        ValueError: a prefixed name that is not a term of its vocabulary.
    """
    prefix, colon, local = name.partition(":")
    if colon and prefix in STANDARD and not local.startswith("//"):
        return ox.NamedNode(term(name))
    return ox.NamedNode(name)


def text(value: str, language: str) -> ox.Literal:
    """A language-tagged string."""
    return ox.Literal(value, language=language)


def date_time(when: datetime) -> str:
    """`when` as an `xsd:dateTime` in canonical form (UTC written `Z`, as stores return it)."""
    text = when.isoformat()
    return text[: -len("+00:00")] + "Z" if text.endswith("+00:00") else text


def typed(value: str | int, datatype: str) -> ox.Literal:
    """A typed literal; `datatype` is a prefixed name such as `xsd:dateTime`."""
    return ox.Literal(str(value), datatype=iri(datatype))


def bilingual(predicate: str, polish: str, english: str) -> tuple[Pair, Pair]:
    """The same statement in Polish and in English, as two (predicate, object) pairs."""
    return (predicate, text(polish, "pl")), (predicate, text(english, "en"))


class Triples:
    """Statements added one subject at a time: `out.add(s, ("dct:title", title), ...)`."""

    def __init__(self) -> None:
        self._triples: dict[ox.Triple, None] = {}  # an ordered set: each statement once

    @property
    def triples(self) -> list[ox.Triple]:
        """The statements, each once, in the order first added."""
        return list(self._triples)

    def add(
        self,
        subject: ox.NamedNode | str,
        *pairs: Pair,
    ) -> ox.NamedNode:
        """Add `subject predicate object` for each (predicate, object) pair; None is skipped.

        A plain-string subject or object is a prefixed name or an IRI; predicates are prefixed
        names.
        """
        node = subject if isinstance(subject, ox.NamedNode) else iri(subject)
        for predicate, value in pairs:
            if value is None:
                continue
            term = iri(value) if isinstance(value, str) else value
            self._triples[ox.Triple(node, iri(predicate), term)] = None
        return node

    def include(self, triples: Iterable[ox.Triple]) -> None:
        """Add statements made elsewhere (each once, as always)."""
        for triple in triples:
            self._triples[triple] = None

    def quads(self, graph: str) -> list[ox.Quad]:
        """The statements, in the named graph `graph`."""
        name = ox.NamedNode(graph)
        return [ox.Quad(t.subject, t.predicate, t.object, name) for t in self.triples]
