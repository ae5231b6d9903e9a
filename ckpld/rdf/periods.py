"""Times as precise as the data gives them (a year, a month of a year), from XSD literals."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Period:
    """A time as precise as the data gives it: a year, or a month of a year (month is None)."""

    year: int
    month: int | None = None

    @classmethod
    def of(cls, literal: ox.Literal) -> Period:
        """From an xsd:gYear, xsd:gYearMonth or xsd:date literal (a date counts as its month)."""
        parts = literal.value.lstrip("-").split("-")
        month = int(parts[1][:2]) if len(parts) > 1 else None
        return cls(int(parts[0]), month)

    @property
    def start(self) -> float:
        """Where the period begins, in years (2019.25 is 1 April 2019)."""
        return self.year + ((self.month or 1) - 1) / 12

    @property
    def end(self) -> float:
        """Where the period ends: the end of its year, or of its month."""
        return self.year + 1 if self.month is None else self.year + self.month / 12
