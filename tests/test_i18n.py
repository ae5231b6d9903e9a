"""The message catalogue: complete, in step with the sources, and used the way gettext means."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment

from ckpld.rdf.periods import Period
from ckpld.store.local import LocalStore
from ckpld.web.conneg import LANGUAGES
from ckpld.web.i18n import TRANSLATIONS, install, month_year, translate, translate_plural, when
from tests.conftest import ROOT

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "translate": (2,),
    "translate_plural": (2, 3),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted() -> set[str | tuple[str, str]]:
    """Every message id the templates and the package use (what `make messages` extracts)."""
    method_map = [("ckpld/**.py", "python"), ("ckpld/web/templates/**.html", "jinja2")]
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def polish() -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    with (TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file, locale="pl")
    translations: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    for m in catalog:
        if m.id and "fuzzy" not in m.flags:
            assert m.string is not None, m.id  # read_po gives "" (or empties) when untranslated
            key = m.id if isinstance(m.id, str) else (m.id[0], m.id[1])
            translations[key] = m.string if isinstance(m.string, str) else tuple(m.string)
    return translations


def test_every_interface_string_has_a_polish_translation() -> None:
    used, translated = extracted(), polish()
    assert len(used) > 50  # the extraction itself works
    missing = [m for m in used if not translated.get(m) or not all(translated[m])]
    assert missing == []
    assert sorted(map(str, set(translated) - used)) == []  # nothing obsolete


def test_translations_keep_the_placeholders() -> None:
    for message, translation in polish().items():
        ids = [message] if isinstance(message, str) else list(message)
        forms = [translation] if isinstance(translation, str) else list(translation)
        wanted = {n for m in ids for n in PLACEHOLDER.findall(m)}
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) <= wanted, (message, form)
            assert set(PLACEHOLDER.findall(form)) >= wanted - {"num"}, (message, form)


def test_the_template_of_the_catalogue_is_in_step_with_the_sources() -> None:
    with (TRANSLATIONS / "messages.pot").open("rb") as file:
        template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(file) if m.id}
    assert template == extracted(), "run `make messages`"


def test_translate_and_plural_rules() -> None:
    assert translate("pl", "Partners") == "Partnerzy"
    assert translate("en", "Partners") == "Partners"
    assert translate("pl", "a text nobody wrote") == "a text nobody wrote"
    singular = "%(when)s: %(num)d partner joined"
    plural = "%(when)s: %(num)d partners joined"
    forms = {n: translate_plural("pl", singular, plural, n, when="2019") for n in (1, 2, 5, 22)}
    assert forms[1] == "2019: dołączył 1 partner"
    assert forms[2] == "2019: dołączyło 2 partnerów"
    assert forms[5] == "2019: dołączyło 5 partnerów" and forms[22] == "2019: dołączyło 22 partnerów"
    assert translate_plural("en", singular, plural, 1, when="2019") == "2019: 1 partner joined"


@pytest.mark.parametrize(
    ("lang", "expected"), [("pl", "kwiecień 2019"), ("en", "April 2019")], ids=LANGUAGES
)
def test_months_are_named_in_the_page_language(lang: str, expected: str) -> None:
    assert month_year(2019, 4, lang) == expected
    assert when(Period(2019, 4), lang) == expected
    assert when(Period(2018), lang) == "2018"  # a year stays a year


def test_templates_translate_and_write_numbers_in_the_page_language() -> None:
    env = Environment(autoescape=True)
    install(env)
    template = env.from_string(
        '{{ _("Partners") }} · {{ ngettext("%(num)d partner of %(publisher)s is here.", '
        '"%(num)d partners of %(publisher)s are here.", n, publisher="CKP") }} · '
        "{{ size | number }}"
    )
    polish = template.render(lang="pl", n=2, size=96448)
    assert polish == "Partnerzy · Tu mają siedzibę 2 partnerzy CKP. · 96\u00a0448"
    english = template.render(lang="en", n=1, size=96448)
    assert english == "Partners · 1 partner of CKP is here. · 96,448"


def test_the_interface_states_no_fact_of_its_own(store: LocalStore) -> None:
    # Every sentence about the publisher, its partners, places or networks takes their names and
    # dates from the data: no message (in either language) holds a name the data gives, or a year.
    answer = store.query(
        "SELECT DISTINCT ?name WHERE { ?thing ?p ?name . VALUES ?p { "
        "<https://schema.org/name> <https://schema.org/alternateName> "
        "<https://dane.ckpodgorza.pl/def/ckp#nameAsOnPage> } "
        "?thing a ?kind . VALUES ?kind { <https://schema.org/Organization> "
        "<https://schema.org/Place> } }"
    )
    names = {row[0].value for row in answer.rows if isinstance(row[0], ox.Literal)}
    assert {"CKP", "Kraków", "ENCC", "Centrum Kultury Podgórza"} <= names
    texts = [
        text
        for key, translated in polish().items()
        for text in ([key] if isinstance(key, str) else list(key))
        + ([translated] if isinstance(translated, str) else list(translated))
    ]
    assert len(texts) > 200
    for text in texts:
        words = set(re.findall(r"[\w-]+", PLACEHOLDER.sub("", text)))
        for name in names:
            assert not (set(re.findall(r"[\w-]+", name)) <= words and name in text), (name, text)
        assert not re.search(r"\b(19|20)\d\d\b", text), text
