"""The timeline's geometry: events as bars on a scale of years, as precise as the data.

A period known to the year is drawn across its whole year (it is not 1 January); one known to
the month spans its months. The template draws the bars and writes the words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ckpld.rdf.periods import Period
from ckpld.web.pages.overview import Membership, Overview, Partner

WIDTH = 800.0
LEFT, RIGHT = 16.0, 16.0  # room for the first and last year's label
AXIS_Y = 34.0  # the year labels sit above this line
ROW = 66.0  # height of one event: its label (from the left edge, room for a phone's larger
BAR = 18.0  # type) and below it its bar


@dataclass(frozen=True)
class Event:
    """One thing that happened: partnerships begun together, or a membership."""

    kind: str  # "letters" (by letter of intent), "partners" (otherwise) or "membership"
    start: Period
    end: Period | None  # None: a single period (the whole `start`)
    partners: tuple[Partner, ...] = ()
    membership: Membership | None = None

    @property
    def precision(self) -> str:
        return "year" if self.start.month is None else "month"


@dataclass(frozen=True)
class Bar:
    """An event placed on the chart, in SVG units."""

    event: Event
    x: float
    y: float
    width: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Tick:
    """A year boundary on the axis, and the year's label centred in its span."""

    year: int
    x: float
    label_x: float


@dataclass(frozen=True)
class Chart:
    """The whole timeline: axis ticks, bars and the drawing's size."""

    ticks: list[Tick]
    bars: list[Bar]
    width: float
    height: float


def events(facts: Overview) -> list[Event]:
    """The relationships' events as the page dates them (letters of intent signed in a year,
    partners joined in a year), and memberships."""
    grouped: dict[tuple[Period, bool], list[Partner]] = {}
    for p in facts.partners:
        grouped.setdefault((p.dated, p.letter is not None), []).append(p)
    found = [
        Event("letters" if by_letter else "partners", dated, None, tuple(partners))
        for (dated, by_letter), partners in grouped.items()
    ]
    found += [Event("membership", m.start, m.end, membership=m) for m in facts.memberships]
    return sorted(found, key=lambda e: (e.start.start, e.kind))


def chart(found: Sequence[Event]) -> Chart:
    """Lay out `found` one per row, on an axis of whole years that holds them all."""
    if not found:
        return Chart([], [], WIDTH, AXIS_Y)
    first = math.floor(min(e.start.start for e in found))
    last = math.ceil(max((e.end or e.start).end for e in found))
    span = max(last - first, 1)
    unit = (WIDTH - LEFT - RIGHT) / span

    def x(t: float) -> float:
        return round(LEFT + (t - first) * unit, 1)

    ticks = [Tick(y, x(y), x(y + 0.5)) for y in range(first, last + 1)]
    bars = []
    for row, e in enumerate(found):
        top = AXIS_Y + row * ROW
        begin, end = e.start.start, (e.end or e.start).end
        bars.append(Bar(e, x(begin), top + 34, round(x(end) - x(begin), 1), LEFT, top + 24))
    return Chart(ticks, bars, WIDTH, AXIS_Y + len(found) * ROW)
