"""Content negotiation as pure functions: choose a format from Accept and explicit overrides."""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header

from ckpld.rdf.formats import Format

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
        return _named(override.strip(), offers)
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = [
        (value.split(";", 1)[0].strip().lower(), q)
        for value, q in parse_accept_header(accept, MIMEAccept)
    ]
    best, best_quality = None, 0.0
    for fmt in offers:  # on equal quality the earlier offer (the server's preference) wins
        quality = _quality(fmt, ranges)
        if quality > best_quality:
            best, best_quality = fmt, quality
    return best


def _quality(fmt: Format, ranges: list[tuple[str, float]]) -> float:
    """How much the client wants `fmt`: the most specific media range that covers it decides.

    Ranges naming one of its media types (aliases included) beat `type/*`, which beats `*/*`;
    a `q=0` there refuses the format even if a wildcard would accept it.
    """
    exact = [q for media, q in ranges if media in fmt.media_types]
    if exact:
        return max(exact)
    types = {media.split("/", 1)[0] + "/*" for media in fmt.media_types}
    partial = [q for media, q in ranges if media in types]
    if partial:
        return max(partial)
    return max((q for media, q in ranges if media == "*/*"), default=0.0)


# Parameters that choose a format explicitly, by precedence (after a URL suffix).
OVERRIDES = ("_format", "format", "output", "_mediatype")


def override_of(suffix: str | None, args: dict[str, str]) -> str | None:
    """The explicit format choice: URL suffix, then the first of OVERRIDES given."""
    if suffix:
        return suffix
    for key in OVERRIDES:
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


def _named(value: str, offers: Sequence[Format]) -> Format | None:
    """The offered format a name, suffix or media type stands for.

    A comma-separated list (SPARQLWrapper sends `format=application/ld+json,application/x-json+ld`)
    gives the first item that names an offered format.
    """
    for item in value.lower().split(","):
        item = item.strip()
        media = item.split(";", 1)[0].strip()
        for fmt in offers:
            if item in (fmt.name, fmt.suffix, *fmt.also) or media in fmt.media_types:
                return fmt
    return None
