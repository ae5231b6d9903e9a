"""Memento (RFC 7089) for ckpld's IRIs: which release was in force when, and the links that say so.

The original resource (URI-R) is a thing's IRI, `{base}id/{path}`; its document answers with links
to its TimeGate and TimeMap (RFC 7089 pattern 1: the TimeGate is a resource of its own, which is
how clients such as `memento-client` find it). The TimeGate, `{base}timegate/id/{path}`, redirects
(302) a request with `Accept-Datetime` to the memento of the release in force at that moment:
the thing's document as that release had it, `{base}releases/{name}/doc/{path}` (URI-M), which
never changes. The TimeMap, `{base}timemap/id/{path}`, lists every release that describes the
thing. All the links are absolute, on the base IRI (never built from a request's Host header,
which a client chooses and a cache would keep).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from werkzeug.http import http_date

from ckpld.errors import BadQueryError, NotFoundError
from ckpld.publish.past import described
from ckpld.publish.publication import Publication
from ckpld.publish.record import Named

LINK_FORMAT = "application/link-format"


class BadDatetimeError(BadQueryError):
    """An `Accept-Datetime` that is not an HTTP date."""

    title = "Bad Accept-Datetime"


@dataclass(frozen=True)
class Places:
    """The Memento addresses of one thing (absolute)."""

    original: str
    timegate: str
    timemap: str

    @classmethod
    def of(cls, base_iri: str, path: str) -> Places:
        """For the thing `{base_iri}id/{path}`."""
        return cls(
            f"{base_iri}id/{path}", f"{base_iri}timegate/id/{path}", f"{base_iri}timemap/id/{path}"
        )

    def memento(self, base_iri: str, name: str) -> str:
        """The thing's document as release `name` had it."""
        path = self.original.removeprefix(f"{base_iri}id/")
        return f"{base_iri}releases/{name}/doc/{path}"

    def links(self) -> list[str]:
        """What a memento, or the original's document, says about where the versions are."""
        return [
            f'<{self.original}>; rel="original"',
            f'<{self.timegate}>; rel="timegate"',
            f'<{self.timemap}>; rel="timemap"; type="{LINK_FORMAT}"',
        ]


def accept_datetime(value: str | None) -> datetime:
    """The moment a client asks for: its `Accept-Datetime` (an HTTP date), or now.

    Raises:
        BadDatetimeError: the header is not an HTTP date.
    """
    if value is None:
        return datetime.now(UTC)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadDatetimeError(
            f"Accept-Datetime must be an HTTP date (RFC 9110), such as "
            f"'{http_date(datetime(2025, 3, 1, 12, 0, tzinfo=UTC))}'; got {value!r}"
        )
    return moment.astimezone(UTC)


def in_force(entries: Sequence[Named], moment: datetime) -> Named | None:
    """The release in force at `moment`: the last one made then or before."""
    found = None
    for entry in entries:
        if entry.date <= moment:
            found = entry
    return found


def choose(
    entries: Sequence[Named], mementos: Sequence[Named], moment: datetime, iri: str
) -> Named:
    """The memento to redirect to for `iri` at `moment`, among `mementos` (the releases that
    describe it; `entries`: every release, oldest first).

    Raises:
        NotFoundError: no release was in force then, or the one in force does not describe
            `iri`; the message says from when (or until when) it was published.
    """
    if not mementos:
        raise NotFoundError(f"no release has ever published {iri}")
    current = in_force(entries, moment)
    if current is None:
        first = entries[0]
        raise NotFoundError(
            f"nothing was published before the first release, {first.name} "
            f"({http_date(first.date)}); {iri} is published from release {mementos[0].name} "
            f"({http_date(mementos[0].date)})"
        )
    if current in mementos:
        return current
    later = [m for m in mementos if m.date > moment]
    earlier = [m for m in mementos if m.date <= moment]
    if not earlier:
        raise NotFoundError(
            f"{iri} did not exist yet at {http_date(moment)}: it is published from release "
            f"{later[0].name} ({http_date(later[0].date)})"
        )
    again = f"; it is published again from release {later[0].name}" if later else ""
    raise NotFoundError(
        f"{iri} was not published in release {current.name}, in force at {http_date(moment)}: "
        f"its last release before was {earlier[-1].name} ({http_date(earlier[-1].date)}){again}"
    )


def timemap(places: Places, base_iri: str, mementos: Sequence[Named]) -> bytes:
    """The TimeMap of a thing in the link format (RFC 6690), as RFC 7089 writes them."""
    first, last = mementos[0], mementos[-1]
    lines = [
        f'<{places.original}>; rel="original"',
        f'<{places.timegate}>; rel="timegate"',
        f'<{places.timemap}>; rel="self"; type="{LINK_FORMAT}"; '
        f'from="{http_date(first.date)}"; until="{http_date(last.date)}"',
    ]
    for entry in mementos:
        rel = " ".join(
            r
            for r, on in (("first", entry == first), ("last", entry == last), ("memento", True))
            if on
        )
        lines.append(
            f'<{places.memento(base_iri, entry.name)}>; rel="{rel}"; '
            f'datetime="{http_date(entry.date)}"'
        )
    return (",\n".join(lines) + "\n").encode()


def mementos(pub: Publication, iri: str) -> list[Named]:
    """The archived releases that describe `iri`, oldest first."""
    return [e for e in archived_releases(pub) if iri in described(pub, e)]


def original_links(pub: Publication, path: str) -> list[str]:
    """What a thing's IRI and its document say about its versions (none before a release)."""
    if not pub.releases.archived:
        return []
    places = Places.of(pub.settings.base_iri, path)
    return [f'<{places.timegate}>; rel="timegate"', places.links()[2]]


def archived_releases(pub: Publication) -> list[Named]:
    """The releases this server's archive holds, oldest first."""
    return [e for e in pub.releases.entries if e.name in pub.releases.archived]
