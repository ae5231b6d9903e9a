"""The timeline: events from the data, bars as precise as the data."""

from __future__ import annotations

import pytest

from ckpld.config import Settings
from ckpld.rdf.periods import Period
from ckpld.store.local import LocalStore
from ckpld.web.pages.overview import Membership, Names, Overview, Partner, overview
from ckpld.web.pages.timeline import LEFT, RIGHT, WIDTH, Event, chart, events


def partner(n: int, dated: Period, letter: bool) -> Partner:
    return Partner(
        f"p{n}", f"ps{n}", Names({"pl": f"P{n}"}), dated, "l" if letter else None, None, None
    )


def test_partnerships_begun_together_are_one_event() -> None:
    facts = Overview(
        "ckp",
        [
            partner(1, Period(2018), True),
            partner(2, Period(2018), True),
            partner(3, Period(2019), False),
            partner(4, Period(2018), False),
        ],
        None,
        [Membership("m", "o", Names(), "O", None, Period(2019, 4), Period(2020, 9))],
    )
    found = events(facts)
    assert [(e.kind, e.start, len(e.partners)) for e in found] == [
        ("letters", Period(2018), 2),
        ("partners", Period(2018), 1),
        ("partners", Period(2019), 1),
        ("membership", Period(2019, 4), 0),
    ]


def test_a_year_spans_its_year_and_months_span_their_months() -> None:
    year = Event("letters", Period(2018), None)
    months = Event("membership", Period(2019, 4), Period(2020, 9))
    drawn = chart([year, months])
    assert [t.year for t in drawn.ticks] == [2018, 2019, 2020, 2021]
    unit = (WIDTH - LEFT - RIGHT) / 3
    first, second = drawn.bars
    assert first.x == pytest.approx(LEFT) and first.width == pytest.approx(unit, abs=0.2)
    assert second.x == pytest.approx(LEFT + unit * (1 + 3 / 12), abs=0.2)  # 1 April 2019
    assert second.width == pytest.approx(unit * 18 / 12, abs=0.2)  # April 2019 to September 2020
    assert first.y < second.y and drawn.height > second.y
    assert (year.precision, months.precision) == ("year", "month")


def test_no_events_no_bars() -> None:
    assert chart([]).bars == []


def test_the_shipped_data_gives_the_page_s_three_events(
    store: LocalStore, settings: Settings
) -> None:
    found = events(overview(store, settings.publisher_iri))
    facts = overview(store, settings.publisher_iri)
    groups = {(p.dated, p.letter is not None) for p in facts.partners}
    assert len(found) == len(groups) + len(facts.memberships)
    assert sum(len(e.partners) for e in found) == len(facts.partners)
    assert [e.kind for e in found] == ["letters", "partners", "membership"]
