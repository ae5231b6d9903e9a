"""Reading a small set of statements by subject and predicate."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ckpld.rdf.namespaces import term


class Lookup:
    """Statements, looked up by subject and predicate (prefixed names, checked by `term`).

    For reading generated metadata (the catalogue) as data, without a query per value.
    """

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self._by: dict[tuple[str, str], list[ox.NamedNode | ox.Literal | ox.BlankNode]] = {}
        self._typed: dict[str, list[str]] = {}
        for t in triples:
            subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else str(t.subject)
            obj = t.object
            assert not isinstance(obj, ox.Triple)
            self._by.setdefault((subject, t.predicate.value), []).append(obj)
            if t.predicate.value == term("rdf:type") and isinstance(obj, ox.NamedNode):
                self._typed.setdefault(obj.value, []).append(subject)

    def all(self, subject: str, predicate: str) -> list[ox.NamedNode | ox.Literal | ox.BlankNode]:
        """Every object of `subject` `predicate`."""
        return self._by.get((subject, term(predicate)), [])

    def iris(self, subject: str, predicate: str) -> list[str]:
        """The IRIs among the objects."""
        return [o.value for o in self.all(subject, predicate) if isinstance(o, ox.NamedNode)]

    def iri(self, subject: str, predicate: str) -> str | None:
        """The first IRI among the objects, or None."""
        found = self.iris(subject, predicate)
        return found[0] if found else None

    def text(self, subject: str, predicate: str, language: str) -> str | None:
        """The first literal in `language`, or None."""
        for o in self.all(subject, predicate):
            if isinstance(o, ox.Literal) and o.language == language:
                return o.value
        return None

    def texts(self, subject: str, predicate: str, language: str) -> list[str]:
        """Every literal in `language`."""
        found = self.all(subject, predicate)
        return [o.value for o in found if isinstance(o, ox.Literal) and o.language == language]

    def literal(self, subject: str, predicate: str) -> str | None:
        """The first literal's lexical form, or None."""
        for o in self.all(subject, predicate):
            if isinstance(o, ox.Literal):
                return o.value
        return None

    def of_type(self, kind: str) -> list[str]:
        """The subjects typed `kind` (a prefixed name), sorted."""
        return sorted(self._typed.get(term(kind), []))
