"""ckpld.publish.notes: a release's changes in words, in Polish and English."""

from __future__ import annotations

import pyoxigraph as ox

from ckpld.publish.notes import notes
from ckpld.publish.patch import difference

EX = "http://example.org/id/"
G = ox.NamedNode("http://example.org/graph/page")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NAME = "https://schema.org/name"
ORG = "http://www.w3.org/ns/org#Organization"
MEMBERSHIP = "http://www.w3.org/ns/org#Membership"
TIME = "http://www.w3.org/2006/time#"
LOCATION = "https://schema.org/location"
LABELS = {
    ORG: {"pl": "organizacja", "en": "organisation"},
    MEMBERSHIP: {"pl": "członkostwo", "en": "membership"},
    LOCATION: {"pl": "miejsce", "en": "location"},
}


def q(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(p), o, G)


def iri(s: str) -> ox.NamedNode:
    return ox.NamedNode(EX + s)


def thing(s: str, kind: str, pl: str, en: str | None = None) -> list[ox.Quad]:
    found = [q(s, RDF_TYPE, ox.NamedNode(kind)), q(s, NAME, ox.Literal(pl, language="pl"))]
    return found + ([q(s, NAME, ox.Literal(en, language="en"))] if en else [])


BEFORE = [
    *thing("kept", ORG, "Zostaje"),
    *thing("gone", ORG, "Znika", "Goes"),
    *thing("renamed", ORG, "Stara nazwa"),
    *thing("moved", ORG, "Przenosi się"),
    q("moved", LOCATION, iri("krakow")),
    *thing("krakow", ORG, "Kraków"),
    *thing("wilno", ORG, "Wilno"),
    *thing("member", MEMBERSHIP, "Członkostwo CKP", "CKP's membership"),
    q("member", "http://www.w3.org/ns/org#memberDuring", iri("member#interval")),
    q("member#interval", TIME + "hasBeginning", iri("member#start")),
]
AFTER = [
    *(x for x in BEFORE if "gone" not in str(x.subject)),
    *thing("new", ORG, "Nowy partner", "New partner"),
    q("member#interval", TIME + "hasEnd", iri("member#end")),
    q("member#end", TIME + "inXSDgYearMonth", ox.Literal("2020-09")),
]
AFTER = [x for x in AFTER if x != q("renamed", NAME, ox.Literal("Stara nazwa", language="pl"))]
AFTER += [q("renamed", NAME, ox.Literal("Nowa nazwa", language="pl"))]
AFTER = [x for x in AFTER if x != q("moved", LOCATION, iri("krakow"))]
AFTER += [q("moved", LOCATION, iri("wilno"))]


def said() -> dict[str, tuple[str, str, str]]:
    found = notes(difference(BEFORE, AFTER), BEFORE, AFTER, LABELS)
    return {n.subject.removeprefix(EX): (n.kind, n.pl, n.en) for n in found}


def test_each_thing_that_changed_gets_one_note_of_its_kind() -> None:
    kinds = {s: k for s, (k, _, _) in said().items()}
    assert kinds == {
        "new": "added",
        "gone": "removed",
        "member": "ended",  # the hash parts of a thing are the thing's
        "renamed": "renamed",
        "moved": "changed",
    }


def test_the_notes_name_things_and_classes_in_each_language() -> None:
    notes_ = said()
    assert notes_["new"][1:] == (
        "Dodano: Nowy partner (organizacja)",
        "Added: New partner (organisation)",
    )
    assert notes_["gone"][1:] == ("Usunięto: Znika (organizacja)", "Removed: Goes (organisation)")
    assert notes_["member"][1:] == (
        "Zakończono: Członkostwo CKP (członkostwo), 2020-09",
        "Ended: CKP's membership (membership), 2020-09",
    )
    assert notes_["renamed"][1:] == (
        "Zmiana nazwy: „Nowa nazwa”@pl → „Nowa nazwa”@pl".replace(
            "„Nowa nazwa”@pl →", "„Stara nazwa”@pl →"
        ),
        "Name changed: “Stara nazwa”@pl → “Nowa nazwa”@pl",
    )
    # a value replaced by another: old → new, each by its name
    assert notes_["moved"][1:] == (
        "Zmieniono: Przenosi się (organizacja): miejsce Kraków → Wilno",
        "Changed: Przenosi się (organisation): location Kraków → Wilno",
    )


def test_notes_come_in_a_fixed_order_and_none_without_a_change() -> None:
    found = notes(difference(BEFORE, AFTER), BEFORE, AFTER, LABELS)
    assert [n.kind for n in found] == ["added", "removed", "ended", "renamed", "changed"]
    assert notes(difference(BEFORE, BEFORE), BEFORE, BEFORE, LABELS) == []


def test_a_thing_without_a_name_or_a_labelled_class_is_named_by_its_iri() -> None:
    before = [q("x", "http://example.org/p", ox.Literal("1"))]
    after = [q("x", "http://example.org/p", ox.Literal("2"))]
    (note,) = notes(difference(before, after), before, after, {})
    assert note.en == f"Changed: {EX}x: p “1” → “2”"
