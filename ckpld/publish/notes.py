"""A release's changes in words, in Polish and English, built from its RDF difference.

Statements are grouped by the thing they describe (an IRI together with its hash parts:
`…/id/x#interval` belongs to `…/id/x`). A thing with no statement before is "added", with none
after "removed"; a thing that gains an end (`time:hasEnd`, `schema:endDate`) "ended"; a thing of
which only names changed "renamed"; any other change is "changed", property by property. Names of
things come from the data (this release's, else the previous one's), names of classes and
properties from the vocabulary's labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from ckpld.publish.patch import Difference

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Where a thing's name is, best first.
NAMES = (
    "https://schema.org/name",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
)
ENDS = ("http://www.w3.org/2006/time#hasEnd", "https://schema.org/endDate")
TIME = "http://www.w3.org/2006/time#"
WHEN = tuple(TIME + p for p in ("inXSDDate", "inXSDgYearMonth", "inXSDgYear", "inXSDDateTime"))
XSD = "http://www.w3.org/2001/XMLSchema#"
PLAIN = (XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
KINDS = ("added", "removed", "ended", "renamed", "changed")
MAX_PROPERTIES = 4  # properties a "changed" note names (then "…")
MAX_VALUES = 3  # values a property shows (else counts)
LONGEST = 80  # characters of a value shown (then "…")
QUOTES = {"pl": ("„", "”"), "en": ("“", "”")}
WORDS = {"pl": ("dodano", "usunięto"), "en": ("added", "removed")}
Labels = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Note:
    """One change in words.

    Attributes:
        kind: One of KINDS.
        subject: The IRI of the thing that changed.
        pl: The sentence in Polish; en: in English.
    """

    kind: str
    subject: str
    pl: str
    en: str

    def as_json(self) -> dict[str, str]:
        """The note as written to a release's `changes.json`."""
        return {"kind": self.kind, "subject": self.subject, "pl": self.pl, "en": self.en}


def notes(
    change: Difference, old: Iterable[ox.Quad], new: Iterable[ox.Quad], labels: Labels
) -> list[Note]:
    """What `change` did, thing by thing, in a fixed order (kind, then the thing's IRI).

    Args:
        change: The difference from `old` to `new`.
        old: The previous release's statements; new: this release's.
        labels: Names of classes and properties by IRI, then language (`Publication.labels`).
    """
    before, after = _by_owner(old), _by_owner(new)
    words = _Words(_names(q for quads in (after, before) for q in _all(quads)), labels)
    added, removed = _by_owner(change.added), _by_owner(change.removed)
    found: list[Note] = []
    for owner in sorted(set(added) | set(removed)):
        plus, minus = added.get(owner, []), removed.get(owner, [])
        if owner not in before:
            found.append(words.note("added", owner, after[owner]))
        elif owner not in after:
            found.append(words.note("removed", owner, before[owner]))
        elif ended := _end(plus, after[owner]):
            found.append(words.note("ended", owner, after[owner], ended))
        elif _only_names(owner, plus, minus):
            found.append(words.renamed(owner, minus, plus))
        else:
            found.append(words.changed(owner, plus, minus, after[owner]))
    return sorted(found, key=lambda n: (KINDS.index(n.kind), n.subject))


def _all(groups: dict[str, list[ox.Quad]]) -> Iterable[ox.Quad]:
    for quads in groups.values():
        yield from quads


def _by_owner(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Quad]]:
    found: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        if isinstance(quad.subject, ox.NamedNode):
            found.setdefault(quad.subject.value.partition("#")[0], []).append(quad)
    return found


def _names(quads: Iterable[ox.Quad]) -> dict[str, dict[str, str]]:
    """Each thing's best name per language tag ("" untagged); earlier statements win a tie."""
    ranked: dict[str, dict[str, tuple[int, str]]] = {}
    for quad in quads:
        if quad.predicate.value not in NAMES or not isinstance(quad.object, ox.Literal):
            continue
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        rank = NAMES.index(quad.predicate.value)
        table = ranked.setdefault(quad.subject.value, {})
        language = quad.object.language or ""
        if language not in table or rank < table[language][0]:
            table[language] = (rank, quad.object.value)
    return {iri: {lang: v[1] for lang, v in t.items()} for iri, t in ranked.items()}


class _Words:
    """Sentences about things, with the names of things, classes and properties."""

    def __init__(self, names: dict[str, dict[str, str]], labels: Labels) -> None:
        self.names = names
        self.labels = labels

    def name(self, iri: str, language: str) -> str:
        """The thing's name in `language`, else untagged, else in any language, else its IRI."""
        table = self.names.get(iri, {})
        for key in (language, ""):
            if key in table:
                return table[key]
        return next(iter(sorted(table.items())), ("", iri))[1]

    def label(self, iri: str, language: str) -> str:
        """A class's or property's label in `language`, else its local name."""
        return self.labels.get(iri, {}).get(language) or _local(iri)

    def about(self, owner: str, quads: list[ox.Quad], language: str) -> str:
        """`name (class)` of the thing."""
        types = sorted(
            q.object.value
            for q in quads
            if _subject(q) == owner and q.predicate.value == RDF_TYPE
            if isinstance(q.object, ox.NamedNode)
        )
        labelled = [t for t in types if language in self.labels.get(t, {})]
        kind = self.label((labelled or types)[0], language) if types else ""
        name = self.name(owner, language)
        return f"{name} ({kind})" if kind else name

    def note(self, kind: str, owner: str, quads: list[ox.Quad], when: str = "") -> Note:
        pl, en = self.about(owner, quads, "pl"), self.about(owner, quads, "en")
        if kind == "added":
            return Note(kind, owner, f"Dodano: {pl}", f"Added: {en}")
        if kind == "removed":
            return Note(kind, owner, f"Usunięto: {pl}", f"Removed: {en}")
        return Note(kind, owner, f"Zakończono: {pl}, {when}", f"Ended: {en}, {when}")

    def renamed(self, owner: str, old: list[ox.Quad], new: list[ox.Quad]) -> Note:
        sentences = {
            language: f"{heading}: {self.values(old, language)} → {self.values(new, language)}"
            for language, heading in (("pl", "Zmiana nazwy"), ("en", "Name changed"))
        }
        return Note("renamed", owner, sentences["pl"], sentences["en"])

    def changed(
        self, owner: str, added: list[ox.Quad], removed: list[ox.Quad], quads: list[ox.Quad]
    ) -> Note:
        """A change property by property: old → new when one value replaced another, the
        values added and removed when there are few, else how many."""
        by_property: dict[str, tuple[list[ox.Quad], list[ox.Quad]]] = {}
        for index, group in enumerate((added, removed)):
            for quad in group:
                by_property.setdefault(quad.predicate.value, ([], []))[index].append(quad)
        sentences: dict[str, str] = {}
        for language, heading in (("pl", "Zmieniono"), ("en", "Changed")):
            plus_word, minus_word = WORDS[language]
            parts = []
            for predicate in sorted(by_property)[:MAX_PROPERTIES]:
                plus, minus = by_property[predicate]
                label = self.label(predicate, language)
                new, old = self.values(plus, language), self.values(minus, language)
                if len(plus) == len(minus) == 1:
                    parts.append(f"{label} {old} → {new}")
                elif len(plus) + len(minus) <= MAX_VALUES:
                    both = (
                        f"{plus_word} {new}" if plus else "",
                        f"{minus_word} {old}" if minus else "",
                    )
                    parts.append(f"{label}: " + ", ".join(b for b in both if b))
                else:
                    parts.append(f"{label}: {plus_word} {len(plus)}, {minus_word} {len(minus)}")
            if len(by_property) > MAX_PROPERTIES:
                parts.append("…")
            sentences[language] = f"{heading}: {self.about(owner, quads, language)}: " + "; ".join(
                parts
            )
        return Note("changed", owner, sentences["pl"], sentences["en"])

    def values(self, quads: list[ox.Quad], language: str) -> str:
        opening, closing = QUOTES[language]
        shown = []
        for quad in quads:
            term = quad.object
            if isinstance(term, ox.Literal):
                text = _short(term.value)
                if term.language:
                    suffix = f"@{term.language}"
                elif term.datatype.value not in PLAIN:
                    suffix = f" ({_local(term.datatype.value)})"
                else:
                    suffix = ""
                shown.append(f"{opening}{text}{closing}{suffix}")
            elif isinstance(term, ox.NamedNode):
                name = self.name(term.value, language)
                shown.append(f"<{name}>" if name == term.value else name)
            else:
                shown.append("?")
        return ", ".join(shown)


def _subject(quad: ox.Quad) -> str:
    return quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""


def _local(iri: str) -> str:
    """The last part of an IRI (after `#`, else after the last `/`)."""
    local = iri.partition("#")[2] if "#" in iri else iri.rstrip("/").rpartition("/")[2]
    return local or iri


def _short(text: str) -> str:
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"


def _end(added: list[ox.Quad], quads: list[ox.Quad]) -> str | None:
    """When the thing ended, if `added` gives it an end (the date, or the instant's date)."""
    for quad in added:
        if quad.predicate.value not in ENDS:
            continue
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
        for other in quads:
            if other.subject == quad.object and other.predicate.value in WHEN:
                if isinstance(other.object, ox.Literal):
                    return other.object.value
        return quad.object.value if isinstance(quad.object, ox.NamedNode) else "?"
    return None


def _only_names(owner: str, added: list[ox.Quad], removed: list[ox.Quad]) -> bool:
    """Whether all that changed about the thing is names of its own, some replacing others."""
    return bool(added and removed) and all(
        _subject(q) == owner and q.predicate.value in NAMES and isinstance(q.object, ox.Literal)
        for q in (*added, *removed)
    )
