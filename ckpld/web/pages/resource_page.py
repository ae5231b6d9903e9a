"""Page data: turns a resource description into the plain structures the HTML templates show."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import pyoxigraph as ox
from babel.dates import format_date, format_datetime

from ckpld.rdf.iris import local_path
from ckpld.rdf.namespaces import compact
from ckpld.store.documents import DERIVED_FROM, LABEL_PROPERTIES, Description
from ckpld.web.i18n import translate

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_OA = "http://www.w3.org/ns/oa#"
_SCHEMA = "https://schema.org/"
_EVIDENCE = "def/ckp#Evidence"
_VOID = "http://rdfs.org/ns/void#"
_DCT = "http://purl.org/dc/terms/"
# Kinds whose label is a whole statement: a part of these kinds is titled by its kind, and its
# text shows as a property.
_TITLED_BY_KIND = {_DCT + "ProvenanceStatement", _DCT + "RightsStatement"}
# Names come first on a page, in this order; provenance is shown last.
_FIRST = (
    "https://schema.org/name",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "https://schema.org/alternateName",
    "def/ckp#nameAsOnPage",
)
_XSD = "http://www.w3.org/2001/XMLSchema#"
# Properties a page takes names from: the labels documents carry, and DCAT's agent names.
_NAMES = (*LABEL_PROPERTIES, "http://xmlns.com/foaf/0.1/name")
# Datatypes a reader needs no hint for (language-tagged strings show their language instead).
_PLAIN_TYPES = {
    *(
        _XSD + t
        for t in (
            "string",
            "integer",
            "gYear",
            "gYearMonth",
            "date",
            "dateTime",
            "decimal",
            "boolean",
            "anyURI",
        )
    ),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
}


@dataclass(frozen=True)
class Value:
    """One value on a page: a link (`href`) or a text, with its language when it has one."""

    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    external: bool = False  # a link that leaves this site (an external identifier, a source)
    moment: str | None = None  # a date or time as written in the data, for <time datetime>


@dataclass(frozen=True)
class Row:
    """A property with its values."""

    label: str
    iri: str
    values: list[Value]


@dataclass(frozen=True)
class Node:
    """A resource shown on a page: the topic, or a part it owns (anchored by its fragment)."""

    iri: str
    anchor: str | None
    title: str
    types: list[Value]
    rows: list[Row]


@dataclass(frozen=True)
class Quote:
    """Exact words of a source page that a node comes from."""

    words: str
    href: str | None
    source: Value | None
    note: str | None
    source_iri: str | None = None
    before: str = ""  # the source text around the words, when the archived page has them
    after: str = ""


@dataclass(frozen=True)
class Evidence:
    """An evidence record for information the source page does not give."""

    title: str
    href: str | None
    description: str
    sources: list[Value]


@dataclass(frozen=True)
class Referrer:
    """Something that points at the topic (an incoming link), by the property it uses."""

    label: str
    iri: str
    values: list[Value]


@dataclass
class Page:
    """Everything a resource page shows."""

    lang: str
    title: str
    topic: Node
    parts: list[Node]
    quotes: list[Quote]
    evidence: list[Evidence]
    schema_org: str = ""
    referrers: list[Referrer] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


class Labeller:
    """Names IRIs and writes values in one language, linking our IRIs to this server's paths."""

    def __init__(
        self,
        base: str,
        lang: str,
        quads: Iterable[ox.Quad],
        term_labels: dict[str, dict[str, str]],
        prefixes: dict[str, str],
        keep_lang: bool = False,
        known_as: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.base = base
        self.lang = lang
        self.term_labels = term_labels
        self.prefixes = prefixes
        self.keep_lang = keep_lang
        # outside identifiers the data names (a Wikidata item a city is the same as)
        self.known_as = known_as or {}
        self.names: dict[str, dict[str, str]] = {}
        selectors: dict[str, str] = {}  # a quote's selector -> the quote
        words: dict[str, str] = {}  # a selector -> the exact words it selects
        for q in quads:
            if not isinstance(q.subject, ox.NamedNode):
                continue
            if q.predicate.value in _NAMES and isinstance(q.object, ox.Literal):
                known = self.names.setdefault(q.subject.value, {})
                known.setdefault(q.object.language or "", q.object.value)
            elif q.predicate.value == _OA + "hasSelector" and isinstance(q.object, ox.NamedNode):
                selectors[q.object.value] = q.subject.value
            elif q.predicate.value == _OA + "exact" and isinstance(q.object, ox.Literal):
                words[q.subject.value] = q.object.value
        # a quote without a name of its own is named by its words
        for selector, quote in selectors.items():
            if selector in words and quote not in self.names:
                self.names[quote] = {"": quoted(words[selector], lang)}

    def name(self, iri: str) -> str:
        """The best label of `iri` in the page language, else another, else a short IRI."""
        for table in (self.names.get(iri, {}), self.term_labels.get(iri, {})):
            for lang in (self.lang, "en", "pl", ""):
                if table.get(lang):
                    return table[lang]
            if table:
                return next(iter(table.values()))
        short = compact(iri, self.prefixes)
        return iri if short.startswith("<") else short  # an address reads better bare

    def _alias(self, iri: str) -> str:
        """The data's name for an outside identifier, in the page language if it has one."""
        names = self.known_as.get(iri, {})
        return next((names[k] for k in (self.lang, "en", "pl") if names.get(k)), "")

    def named(self, iri: str) -> bool:
        """Whether `iri` has a name (a label in the data or a term label), not only its IRI."""
        return bool(self.names.get(iri) or self.term_labels.get(iri))

    def href(self, iri: str) -> str | None:
        """Where a link to `iri` goes: this server for our IRIs (language kept), else the IRI;
        None for an IRI that is not http(s) (`javascript:`, `data:`): it is shown, not linked."""
        path = local_path(self.base, iri)
        if path is None:
            return iri if _LINKABLE.match(iri) else None
        if not self.keep_lang:
            return path
        place, hash_, fragment = path.partition("#")
        return f"{place}?lang={self.lang}{hash_}{fragment}"

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Value:
        """A term as a page value."""
        if isinstance(term, ox.NamedNode):
            iri = term.value
            if local_path(self.base, iri) is None and iri not in self.names:
                known = iri in self.term_labels
                shown = self.name(iri) if known else external_name(iri)
                alias = self._alias(iri)
                if alias and shown:  # "France (EU country: FRA)"
                    shown = f"{alias} ({shown})"
                text = shown or iri
                return Value(text, href=self.href(iri), external=not known)
            return Value(self.name(iri), href=self.href(iri))
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            shown = None if datatype in _PLAIN_TYPES else compact(datatype, self.prefixes)
            written = moment(term.value, datatype, self.lang)
            if written is not None:
                return Value(written, moment=term.value)
            return Value(term.value, lang=term.language or None, datatype=shown)
        return Value(str(term))


_LINKABLE = re.compile(r"^https?://", re.IGNORECASE)  # the only IRIs a page links to

# External identifiers a person recognises by name: (IRI pattern, how to show it)
_EXTERNAL = (
    (re.compile(r"^https?://www\.wikidata\.org/entity/(Q[0-9]+)$"), "Wikidata {0}"),
    (re.compile(r"^https?://sws\.geonames\.org/([0-9]+)/?$"), "GeoNames {0}"),
    (
        re.compile(r"^http://publications\.europa\.eu/resource/authority/([a-z-]+)/([A-Z0-9_]+)$"),
        "EU {0}: {1}",
    ),
)


def moment(value: str, datatype: str, lang: str) -> str | None:
    """A date or a time (xsd:date, xsd:dateTime) as people write it in `lang`; None for any other
    value, or one that does not parse. A time without a zone is shown as it is written."""
    try:
        if datatype == _XSD + "dateTime":
            when = datetime.fromisoformat(value)
            if when.tzinfo is None:
                return None
            return format_datetime(when, "d MMMM y, HH:mm 'UTC'", tzinfo=UTC, locale=lang)
        if datatype == _XSD + "date":
            return format_date(date.fromisoformat(value), "long", locale=lang)
    except ValueError:
        return None
    return None


def quoted(words: str, lang: str, reach: int = 90) -> str:
    """A source page's words as a name: in the page language's quotation marks, cut at a word
    boundary with an ellipsis when longer than `reach` characters."""
    if len(words) > reach:
        words = words[:reach].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"„{words}”" if lang == "pl" else f"“{words}”"


def external_name(iri: str) -> str | None:
    """How a known external identifier reads ("Wikidata Q216", "GeoNames 593116"), or None."""
    for pattern, shown in _EXTERNAL:
        found = pattern.match(iri)
        if found:
            return shown.format(*found.groups())
    return None


def resource_page(desc: Description, labeller: Labeller) -> Page:
    """The page data of a resource description."""
    by_subject: dict[str, list[ox.Quad]] = {}
    for q in desc.quads:
        if isinstance(q.subject, ox.NamedNode):
            by_subject.setdefault(q.subject.value, []).append(q)
    part_iris = _in_reference_order(desc.topic, by_subject)
    # Parts are titled first: a link to a part (a partition, the contact point) reads as its
    # title, so the titles are names before any row is written.
    kinds = {i: _types(by_subject[i], labeller) for i in part_iris}
    titles = {i: _title(i, by_subject[i], kinds[i], labeller) for i in part_iris}
    for i, title in titles.items():
        labeller.names.setdefault(i, {"": title})
    topic = _node(desc.topic, by_subject.get(desc.topic, []), labeller, None)
    parts = [
        _node(i, by_subject[i], labeller, i.partition("#")[2], kinds[i], titles[i])
        for i in part_iris
    ]
    sources = [
        q.object.value
        for q in desc.quads
        if q.predicate.value == DERIVED_FROM
        and isinstance(q.object, ox.NamedNode)
        and _text(q.subject) in (desc.topic, *part_iris)
    ]
    quotes, evidence = _provenance(list(dict.fromkeys(sources)), by_subject, labeller)
    return Page(
        labeller.lang,
        topic.title,
        topic,
        parts,
        quotes,
        evidence,
        schema_org=schema_org_json(desc, labeller),
    )


def in_context(text: str, words: str, reach: int = 160) -> tuple[str, str] | None:
    """The text before and after the first occurrence of `words`, cut at word breaks (None if
    the text does not contain them)."""
    at = text.find(words)
    if at < 0:
        return None
    before, after = text[:at], text[at + len(words) :]
    if len(before) > reach:
        cut = before[-reach:]
        before = "… " + cut[cut.find(" ") + 1 :] if " " in cut else "… " + cut
    if len(after) > reach:
        cut = after[:reach]
        after = (cut[: cut.rfind(" ")] if " " in cut else cut) + " …"
    return before, after


def with_context(quotes: list[Quote], texts: dict[str, str]) -> list[Quote]:
    """The quotes with their surrounding source text, where the archived text of their source
    page (`texts`, by source IRI) contains them."""
    placed = []
    for q in quotes:
        found = in_context(texts[q.source_iri], q.words) if q.source_iri in texts else None
        placed.append(replace(q, before=found[0], after=found[1]) if found else q)
    return placed


def referrers(
    rows: Iterable[tuple[str, str, dict[str, str], str]], labeller: Labeller
) -> list[Referrer]:
    """Incoming links as (subject, property, subject's names by language, the words it quotes
    if it is a quote), grouped by property."""
    grouped: dict[str, dict[str, Value]] = {}
    for subject, predicate, names, words in rows:
        langs = (labeller.lang, "en", "pl", "")
        text = next((names[lang] for lang in langs if names.get(lang)), "")
        if not text and words:
            text = quoted(words, labeller.lang)
        value = Value(text or labeller.name(subject), href=labeller.href(subject))
        grouped.setdefault(predicate, {})[subject] = value
    return sorted(
        (
            Referrer(labeller.name(p), p, sorted(vs.values(), key=lambda v: v.text))
            for p, vs in grouped.items()
        ),
        key=lambda r: r.label,
    )


def schema_org_json(desc: Description, labeller: Labeller) -> str:
    """The topic's schema.org statements as JSON-LD for search engines, safe inside <script>."""
    item: dict[str, Any] = {"@context": "https://schema.org", "@id": desc.topic}
    for q in desc.quads:
        if _text(q.subject) != desc.topic:
            continue
        if q.predicate.value == RDF_TYPE and _text(q.object).startswith(_SCHEMA):
            item.setdefault("@type", []).append(_text(q.object)[len(_SCHEMA) :])
        elif q.predicate.value.startswith(_SCHEMA):
            key = q.predicate.value[len(_SCHEMA) :]
            obj = q.object
            if isinstance(obj, ox.NamedNode) and labeller.named(obj.value):
                entry: Any = {"@id": obj.value, "name": labeller.name(obj.value)}
            elif isinstance(obj, ox.NamedNode):  # a web address, an identifier: no name to give
                entry = obj.value
            elif isinstance(obj, ox.Literal) and obj.language:
                entry = {"@value": obj.value, "@language": obj.language}
            else:
                entry = _text(obj)
            item.setdefault(key, []).append(entry)
    # Whatever else it is, a page's JSON-LD says what it is about: a name, where it is, and the
    # classes schema.org has no word for (`additionalType`).
    item.setdefault("@type", ["Thing"])
    if "name" not in item:
        item["name"] = [labeller.name(desc.topic)]
    item.setdefault("url", [desc.document])
    others = [
        _text(q.object)
        for q in desc.quads
        if _text(q.subject) == desc.topic
        and q.predicate.value == RDF_TYPE
        and not _text(q.object).startswith(_SCHEMA)
    ]
    if others:
        item["additionalType"] = sorted(set(others))
    compacted = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in item.items()}
    text = json.dumps(compacted, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _types(quads: list[ox.Quad], labeller: Labeller) -> list[Value]:
    """A node's kinds as page values; classes of two vocabularies can share a name (org: and
    schema: Organization): each name shows once."""
    return list(
        {
            v.text: v
            for q in quads
            if q.predicate.value == RDF_TYPE
            for v in [labeller.value(q.object)]
        }.values()
    )


def _node(
    iri: str,
    quads: list[ox.Quad],
    labeller: Labeller,
    anchor: str | None,
    types: list[Value] | None = None,
    title: str | None = None,
) -> Node:
    """A node of the page; `types` and `title` when already known (a part's)."""
    types = _types(quads, labeller) if types is None else types
    grouped: dict[str, list[Value]] = {}
    # A statement in two graphs (the dataset's title in VoID and in the catalogue) shows once.
    said = dict.fromkeys((q.predicate.value, q.object) for q in quads)
    for predicate, obj in said:
        # types are shown apart; what a node is derived from is shown as quotes and evidence
        if predicate not in (RDF_TYPE, DERIVED_FROM):
            grouped.setdefault(predicate, []).append(labeller.value(obj))
    order = {p: i for i, p in enumerate(_FIRST)}

    def rank(predicate: str) -> tuple[int, str]:
        local = (
            predicate[len(labeller.base) :] if predicate.startswith(labeller.base) else predicate
        )
        return (0, f"{order[local]:02d}") if local in order else (1, labeller.name(predicate))

    rows = [
        Row(labeller.name(p), p, sorted(vs, key=lambda v: (v.lang != labeller.lang, v.text)))
        for p, vs in sorted(grouped.items(), key=lambda item: rank(item[0]))
    ]
    return Node(iri, anchor, title or _title(iri, quads, types, labeller), types, rows)


def _title(iri: str, quads: list[ox.Quad], types: list[Value], labeller: Labeller) -> str:
    """What a node is titled: its name; a part without one (a point, an interval) or whose name
    is a whole statement, by its kind; a VoID partition, by the class or property it counts."""
    kinds = {_text(q.object) for q in quads if q.predicate.value == RDF_TYPE}
    if types and (iri not in labeller.names or kinds & _TITLED_BY_KIND):
        return types[0].text
    if iri in labeller.names:
        return labeller.name(iri)
    counted = {q.predicate.value: _text(q.object) for q in quads}
    lang = labeller.lang
    # two vocabularies' terms can share a label (org: and schema: Organization): the short IRI
    # tells the parts apart
    if _VOID + "class" in counted:
        term = counted[_VOID + "class"]
        short = compact(term, labeller.prefixes)
        return translate(lang, "Class “%(name)s” (%(term)s)", name=labeller.name(term), term=short)
    if _VOID + "property" in counted:
        term = counted[_VOID + "property"]
        short = compact(term, labeller.prefixes)
        name = labeller.name(term)
        return translate(lang, "Property “%(name)s” (%(term)s)", name=name, term=short)
    return labeller.name(iri)


def _in_reference_order(topic: str, by_subject: dict[str, list[ox.Quad]]) -> list[str]:
    """The parts of `topic` (`topic#…`), in the order the topic and its parts refer to them."""
    parts = {i for i in by_subject if i.startswith(topic + "#")}
    ordered: list[str] = []
    queue = [topic]
    while queue:
        for q in by_subject.get(queue.pop(0), []):
            target = _text(q.object)
            if target in parts and target not in ordered:
                ordered.append(target)
                queue.append(target)
    return ordered + sorted(parts - set(ordered))


def _provenance(
    sources: list[str], by_subject: dict[str, list[ox.Quad]], labeller: Labeller
) -> tuple[list[Quote], list[Evidence]]:
    quotes, evidence = [], []
    for iri in sources:
        quads = by_subject.get(iri, [])
        props = {q.predicate.value: q.object for q in quads}
        types = {_text(q.object) for q in quads if q.predicate.value == RDF_TYPE}
        if _OA + "SpecificResource" in types:
            selector = props.get(_OA + "hasSelector")
            words = (
                next(
                    (
                        _text(q.object)
                        for q in by_subject.get(_text(selector), [])
                        if q.predicate.value == _OA + "exact"
                    ),
                    "",
                )
                if selector
                else ""
            )
            source = props.get(_OA + "hasSource")
            notes = [q.object for q in quads if q.predicate.value.endswith("core#note")]
            note = _in_lang(notes, labeller.lang)
            quotes.append(
                Quote(
                    words,
                    labeller.href(iri),
                    labeller.value(source) if source else None,
                    note,
                    source.value if isinstance(source, ox.NamedNode) else None,
                )
            )
        elif labeller.base + _EVIDENCE in types:
            descriptions = [
                q.object for q in quads if q.predicate.value.endswith("terms/description")
            ]
            links = [
                labeller.value(q.object)
                for q in quads
                if q.predicate.value.endswith("terms/source")
            ]
            evidence.append(
                Evidence(
                    labeller.name(iri),
                    labeller.href(iri),
                    _in_lang(descriptions, labeller.lang) or "",
                    links,
                )
            )
    return quotes, evidence


def _in_lang(literals: list[Any], lang: str) -> str | None:
    texts = {t.language: t.value for t in literals if isinstance(t, ox.Literal)}
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), None)


def _text(term: Any) -> str:
    """The lexical value of a term (an IRI, a blank node id, a literal's text)."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term.value
    return str(term)
