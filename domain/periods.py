"""Quarters (`2026Q1`) and years (`2026`): parsing, bounds and ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")
YEAR_PATTERN = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER_PATTERN.match(str(text).strip())
        if not match:
            raise ValueError(f"'{text}' is not a quarter: write it as YYYYQn, e.g. 2026Q1")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        if self.quarter == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.quarter + 1)

    def previous(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.quarter - 1)

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)


def is_quarter(text: str) -> bool:
    return bool(QUARTER_PATTERN.match(str(text)))


def is_year(text: str) -> bool:
    return bool(YEAR_PATTERN.match(str(text)))


def quarter_range(first: str | Quarter, last: str | Quarter) -> list[str]:
    """Every quarter from `first` to `last`, both inclusive, as strings."""
    current = first if isinstance(first, Quarter) else Quarter.parse(first)
    stop = last if isinstance(last, Quarter) else Quarter.parse(last)
    quarters: list[str] = []
    while current <= stop:
        quarters.append(str(current))
        current = current.next()
    return quarters


PERIOD_PARTITIONS_NAME = "period"
