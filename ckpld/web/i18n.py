"""The interface in Polish and English: a gettext message catalogue, and dates in either language.

Message ids are the English texts. Their Polish translations live in
`ckpld/web/translations/pl/LC_MESSAGES/messages.po`, the catalogue translators edit; it is compiled
in memory when first needed, so no binary file is kept. `make messages` extracts the ids from the
templates and this package, and updates the catalogue.
"""

from __future__ import annotations

import datetime
import functools
import gettext
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from ckpld.rdf.periods import Period

SOURCE_LANGUAGE = "en"  # the language of the message ids
TRANSLATIONS = Path(__file__).parent / "translations"


@functools.cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The translations into `lang` (none for English, the language of the message ids)."""
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if lang == SOURCE_LANGUAGE or not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as file:
        catalog = read_po(file, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translate(lang: str, message: str, **values: Any) -> str:
    """`message` (an English message id) in `lang`, with `%(name)s` placeholders filled."""
    found = catalogue(lang).gettext(message)
    return found % values if values else found


def translate_plural(lang: str, singular: str, plural: str, count: int, **values: Any) -> str:
    """The form of a message for `count`, by the plural rules of `lang`; `%(num)d` is `count`."""
    found = catalogue(lang).ngettext(singular, plural, count)
    return found % {"num": count, **values}


def month_year(year: int, month: int, lang: str) -> str:
    """A month of a year as people write it on its own: "kwiecień 2019", "April 2019"."""
    return format_skeleton("yMMMM", datetime.date(year, month, 1), locale=lang)


def when(period: Period, lang: str) -> str:
    """A period as precise as the data: "2018", or "kwiecień 2019" / "April 2019"."""
    if period.month is None:
        return str(period.year)
    return month_year(period.year, period.month, lang)


def install(env: Environment) -> None:
    """Let templates write `{{ _("…") }}` and `{% trans %}`; the language is the `lang` variable."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _template_gettext, _template_ngettext, newstyle=True
    )
    env.filters["number"] = _template_number
    env.filters["moment"] = _template_moment


def moment(value: datetime.datetime, lang: str) -> str:
    """A date and time in UTC as people write it: "3 grudnia 2026, 18:04 UTC"."""
    utc = value.astimezone(datetime.UTC)
    return f"{format_skeleton('yMMMMd', utc, locale=lang)}, {utc:%H:%M} UTC"


@pass_context
def _template_moment(context: Context, value: str) -> str:
    """An ISO 8601 date and time, written for the page's language."""
    return moment(datetime.datetime.fromisoformat(value), context.get("lang") or SOURCE_LANGUAGE)


@pass_context
def _template_number(context: Context, value: int | float) -> str:
    """A number as the page's language writes it: 96 448 in Polish, 96,448 in English."""
    return format_decimal(value, locale=context.get("lang") or SOURCE_LANGUAGE)


@pass_context
def _template_gettext(context: Context, message: str) -> str:
    return catalogue(context.get("lang") or SOURCE_LANGUAGE).gettext(message)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return catalogue(context.get("lang") or SOURCE_LANGUAGE).ngettext(singular, plural, count)
