"""When issues are due: pure functions of the cadence settings, the extra dates and a day.

The practice asks for a steady rhythm: a digest every week, fortnight or month,
on a fixed weekday, so subscribers know when it comes. An editorial intro
written for another date (``content/newsletter/<date>.md``) adds an issue on
that date: a special edition.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from agora.settings import WEEKDAYS, Options

#: Issues looked for at most (a weekly digest over twenty years): a safety bound.
MAX_ISSUES = 1040


def first_weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def cadence_dates(start: date, cadence: str, weekday_name: str) -> Iterator[date]:
    """Every date the cadence puts an issue on, from ``start`` on, in order."""
    weekday = WEEKDAYS.index(weekday_name)
    if cadence == "monthly":
        year, month = start.year, start.month
        while True:
            day = first_weekday_on_or_after(date(year, month, 1), weekday)
            if day >= start:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    step = timedelta(weeks=2 if cadence == "fortnightly" else 1)
    day = first_weekday_on_or_after(start, weekday)
    while True:
        yield day
        day += step


def period(cadence: str) -> timedelta:
    """About how long one issue covers (the window of the first issue)."""
    return {"weekly": timedelta(weeks=1), "fortnightly": timedelta(weeks=2)}.get(
        cadence, timedelta(days=30))


def issue_dates(config: Options, extra: Iterable[date], until: date) -> list[date]:
    """Issue dates due on or before ``until``: the cadence's and the extra ones, in order."""
    if config.newsletter_start is None:
        return []
    found = {d for d in extra if config.newsletter_start <= d <= until}
    for count, day in enumerate(cadence_dates(config.newsletter_start, config.newsletter_cadence,
                                              config.newsletter_weekday)):
        if day > until or count >= MAX_ISSUES:
            break
        found.add(day)
    return sorted(found)


def next_issue_date(config: Options, extra: Iterable[date], after: date) -> date | None:
    """The first issue date after ``after`` (when the site next changes by itself)."""
    if config.newsletter_start is None:
        return None
    candidates = [d for d in extra if d > after]
    for count, day in enumerate(cadence_dates(config.newsletter_start, config.newsletter_cadence,
                                              config.newsletter_weekday)):
        if day > after or count >= MAX_ISSUES:
            candidates.append(day)
            break
    return min(candidates) if candidates else None
