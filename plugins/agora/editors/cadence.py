"""The cadence of a recurring series (``content/series.yml``), and the slots it gives.

Grammar (English words, case-insensitive; a plural weekday is fine)::

    weekly [on WEEKDAY]                   every week
    every WEEKDAY                         same as weekly on WEEKDAY
    every N weeks [on WEEKDAY]            every N weeks (N from 1 to 52)
    fortnightly [on WEEKDAY]              every 2 weeks (biweekly too)
    monthly [on [the] ORDINAL WEEKDAY]    ORDINAL: first, second, third, fourth, last
                                          (or 1st, 2nd, 3rd, 4th)
    monthly [on [the] DAY]                DAY: 1st to 31st, or "day 15"; a month without
                                          that day uses its last day

WEEKDAY is monday ... sunday. What a cadence leaves out comes from the series'
habit: the weekday (or day of the month) most of its last six articles were
published on, the most recent one winning a tie; "every N weeks" counts its
weeks from the latest article. A series without any article yet starts on
the first day looked at.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from agora.settings import WEEKDAYS

#: How many of a series' latest articles decide its habit.
HABIT = 6
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
            "fourth": 4, "4th": 4, "last": -1}
EXPECTED = ("a cadence like weekly, weekly on tuesday, every 2 weeks on friday, fortnightly, "
            "monthly, monthly on the first thursday, monthly on the 15th")

_DAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")s?"
_WEEKLY = re.compile(rf"^(?:weekly(?: on {_DAY})?)$")
_EVERY_DAY = re.compile(rf"^every {_DAY}$")
_EVERY = re.compile(rf"^(?:every (?P<weeks>\d+) weeks?|fortnightly|biweekly)(?: on {_DAY})?$")
_MONTHLY = re.compile(
    rf"^monthly(?: on (?:the )?(?:(?P<nth>{'|'.join(ORDINALS)}) {_DAY}"
    r"|day (?P<day>\d+)|(?P<dayth>\d+)(?:st|nd|rd|th)))?$")


class CadenceError(ValueError):
    """A cadence outside the grammar; the message says what was expected."""


@dataclass(frozen=True)
class Cadence:
    """A parsed cadence: every ``weeks`` weeks, or monthly (``weeks`` is 0)."""

    text: str
    weeks: int = 1
    weekday: int | None = None  # 0 is Monday
    nth: int | None = None  # monthly on the nth weekday (-1: the last)
    day: int | None = None  # monthly on this day of the month

    @property
    def monthly(self) -> bool:
        return self.weeks == 0

    def slots(self, start: date, end: date, habit: Iterable[date] = ()) -> list[date]:
        """The days in ``[start, end)`` this cadence expects an article on.

        ``habit``: the days the series' articles were published on (any order).
        """
        recent = sorted(habit)[-HABIT:]
        if self.monthly:
            return self._monthly(start, end, recent)
        weekday = self.weekday if self.weekday is not None else _usual(
            [d.weekday() for d in recent], start.weekday())
        first = start + timedelta(days=(weekday - start.weekday()) % 7)
        if self.weeks > 1 and recent:
            # the weeks count from the latest article (moved to the cadence's weekday)
            reference = recent[-1] + timedelta(days=(weekday - recent[-1].weekday()) % 7)
            behind = ((first - reference).days // 7) % self.weeks
            first += timedelta(weeks=(self.weeks - behind) % self.weeks)
        found = []
        day = first
        while day < end:
            found.append(day)
            day += timedelta(weeks=self.weeks)
        return found

    def _monthly(self, start: date, end: date, recent: list[date]) -> list[date]:
        day_of_month = self.day
        if self.nth is None and day_of_month is None:
            day_of_month = _usual([d.day for d in recent], start.day)
        found = []
        year, month = start.year, start.month
        while date(year, month, 1) < end:
            if self.nth is not None:
                assert self.weekday is not None  # the grammar gives both
                day = nth_weekday(year, month, self.nth, self.weekday)
            else:
                assert day_of_month is not None
                day = date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))
            if start <= day < end:
                found.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def _usual(values: list[int], default: int) -> int:
    """The most frequent value, the latest one winning a tie (``default`` for none)."""
    if not values:
        return default
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in reversed(values) if counts[v] == best)


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    """The ``nth`` ``weekday`` of a month (``nth`` -1: the last one)."""
    if nth < 0:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=nth - 1)


def parse(text: str) -> Cadence:
    """Read a cadence (see the module documentation), or raise :class:`CadenceError`."""
    words = " ".join(str(text).lower().split())
    if match := _WEEKLY.match(words) or _EVERY_DAY.match(words):
        return Cadence(text, 1, _weekday(match["weekday"]))
    if match := _EVERY.match(words):
        weeks = int(match["weeks"]) if match["weeks"] else 2
        if not 1 <= weeks <= 52:
            raise CadenceError(f"expected every 1 to 52 weeks, found {weeks}")
        return Cadence(text, weeks, _weekday(match["weekday"]))
    if match := _MONTHLY.match(words):
        day = match["day"] or match["dayth"]
        if day is not None and not 1 <= int(day) <= 31:
            raise CadenceError(f"expected a day of the month from 1 to 31, found {day}")
        return Cadence(text, 0, _weekday(match["weekday"]),
                       ORDINALS[match["nth"]] if match["nth"] else None,
                       int(day) if day is not None else None)
    raise CadenceError(f"expected {EXPECTED}")


def _weekday(name: str | None) -> int | None:
    return WEEKDAYS.index(name) if name else None
