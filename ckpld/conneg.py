"""Content negotiation as pure functions: choose a format from Accept and explicit overrides."""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header

from ckpld.formats import FORMATS, Format, by_name, by_suffix

LANGUAGES = ("pl", "en")


def negotiate(
    accept: str | None, offers: Sequence[Format], override: str | None = None
) -> Format | None:
    """The format to answer with, or None when nothing acceptable is on offer.

    Args:
        accept: The Accept header (None or empty means anything).
        offers: What this resource offers; the first is the default for `*/*`.
        override: An explicit choice that beats Accept: a format name (`turtle`), a suffix
            (`ttl`) or a media type (`text/turtle`), from a URL suffix, `?_format=` or
            `?_mediatype=`. An override that names no offered format yields None.
    """
    if override is not None:
        chosen = _named(override.strip())
        return chosen if chosen in offers else None
    if not accept or not accept.strip():
        return offers[0] if offers else None
    parsed = parse_accept_header(accept, MIMEAccept)
    by_type = {media: f for f in offers for media in f.media_types}
    best = parsed.best_match(list(by_type))
    return by_type[best] if best else None


def override_of(suffix: str | None, args: dict[str, str]) -> str | None:
    """The explicit format choice of a request: URL suffix, then `_format`, then `_mediatype`."""
    if suffix:
        return suffix
    for key in ("_format", "format", "_mediatype"):
        if args.get(key):
            return args[key]
    return None


def language(accept_language: str | None, forced: str | None = None) -> str:
    """The page language: `?lang=` if we have it, else the browser's choice, else English."""
    if forced in LANGUAGES:
        return forced
    if accept_language:
        best = parse_accept_header(accept_language, LanguageAccept).best_match(LANGUAGES)
        if best:
            return str(best)
    return "en"


def alternates(path: str, offers: Sequence[Format], chosen: Format | None = None) -> list[str]:
    """`Link` header values: one `rel="alternate"` per offered format other than `chosen`."""
    return [
        f'<{path}.{f.suffix}>; rel="alternate"; type="{f.media_type}"'
        for f in offers
        if f is not chosen
    ]


def _named(value: str) -> Format | None:
    value = value.lower()
    found = by_name(value) or by_suffix(value)
    if found:
        return found
    media = value.split(";", 1)[0].strip()
    return next((f for f in FORMATS if media in f.media_types), None)
