"""Recurring events: one RRULE in the front matter, dated sessions in the listings.

The rule is checked when the file is read (it parses, repeats at most daily,
includes the event's own start, every excluded date is one of its sessions) and
normalised (``UNTIL`` in UTC, as RFC 5545 requires with a ``TZID`` start).

Listings expand it with ``recurring-ical-events`` over exactly the ``VEVENT``
the calendar files publish, so the site and the subscribers' calendar
applications always agree on the dates. Expansion is bounded by the listing
window and by :data:`MAX_OCCURRENCES`: a rule without end never runs away.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, tzinfo
from itertools import islice
from typing import Any

import recurring_ical_events
from dateutil.rrule import rrulestr
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_OCCURRENCES = 1000  # a daily rule over the longest window (104 weeks) stays below
RULE_EXAMPLE = "an iCalendar RRULE like FREQ=WEEKLY;BYDAY=TU"


class RuleError(ValueError):
    """The rule cannot be used; the message says what was expected."""


def _until_in_utc(value: date | datetime, start: datetime) -> datetime:
    """``UNTIL`` as RFC 5545 wants it with a zoned start: a UTC instant.

    A plain date means "until the end of that day", in the event's zone.
    """
    zone = start.tzinfo
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
    else:
        moment = datetime.combine(value, time(23, 59, 59), tzinfo=zone)
    return moment.astimezone(UTC)


def normalize_rule(text: str, start: datetime) -> str:
    """Check ``text`` and return it as a clean RRULE value (no ``RRULE:`` prefix).

    Raises :class:`RuleError` with what was expected.
    """
    raw = str(text).strip()
    if raw.upper().startswith("RRULE:"):
        raw = raw[len("RRULE:"):]
    try:
        recur = vRecur.from_ical(raw)
    except (ValueError, TypeError, KeyError):
        raise RuleError(RULE_EXAMPLE) from None
    frequency = [str(v).upper() for v in recur.get("FREQ", [])]
    if not frequency:
        raise RuleError(RULE_EXAMPLE + " (FREQ is missing)")
    if frequency[0] not in ALLOWED_FREQUENCIES:
        raise RuleError("a rule repeating DAILY, WEEKLY, MONTHLY or YEARLY")
    if "COUNT" in recur and "UNTIL" in recur:
        raise RuleError("a rule with COUNT or UNTIL, not both")
    if "UNTIL" in recur:
        recur["UNTIL"] = [_until_in_utc(recur["UNTIL"][0], start)]
    normalized = recur.to_ical().decode()
    try:
        rule = rrulestr(normalized, dtstart=start)
        first = next(iter(rule), None)
    except (ValueError, TypeError):
        raise RuleError(RULE_EXAMPLE) from None
    if first is None:
        raise RuleError("a rule with at least one date (UNTIL is before start?)")
    if first != start:
        raise RuleError(f"a rule that includes start itself ({start.strftime('%A %Y-%m-%d')}); "
                        f"its first date is {first.strftime('%A %Y-%m-%d %H:%M')}")
    return normalized


def is_bounded(rule: str) -> bool:
    """Whether the rule ends (COUNT or UNTIL)."""
    upper = rule.upper()
    return "COUNT=" in upper or "UNTIL=" in upper


def rule_dates(rule: str, start: datetime) -> Iterator[datetime]:
    """Session starts of the rule (wall-clock times in the start's zone), lazily."""
    return iter(rrulestr(rule, dtstart=start))


def check_exdates(rule: str, start: datetime, end: datetime,
                  excluded: list[datetime]) -> list[datetime]:
    """Excluded starts that are not sessions of the rule (a typo would skip nothing)."""
    if not excluded:
        return []
    last = max(excluded)
    sessions = set()
    for moment in islice(rule_dates(rule, start), MAX_OCCURRENCES * 10):
        if moment > last:
            break
        sessions.add(moment.astimezone(UTC))
    return [m for m in excluded if m.astimezone(UTC) not in sessions]


def add_schedule(component: VEvent, start: datetime, end: datetime, rule: str | None,
                 excluded: list[datetime]) -> None:
    """Write DTSTART/DTEND (+ RRULE, EXDATE) on a ``VEVENT``: the one shape of a schedule."""
    component.add("dtstart", start)
    component.add("dtend", end)
    if rule:
        component.add("rrule", vRecur.from_ical(rule))
        if excluded:
            component.add("exdate", sorted(excluded))


def _query(start: datetime, end: datetime, rule: str, excluded: list[datetime]) -> Any:
    calendar = Calendar()
    component = VEvent()
    component.add("uid", "series")
    add_schedule(component, start, end, rule, excluded)
    calendar.add_component(component)
    return recurring_ical_events.of(calendar)


def _span(component: VEvent, zone: tzinfo | None) -> tuple[datetime, datetime]:
    # every session is built from aware start/end date-times (add_schedule), never dates
    begin: datetime = component.decoded("DTSTART")
    finish: datetime = (component.decoded("DTEND") if "DTEND" in component
                        else begin + component.duration)
    return begin.astimezone(zone), finish.astimezone(zone)


def expand(start: datetime, end: datetime, rule: str, excluded: list[datetime],
           earliest: datetime, latest: datetime,
           limit: int = MAX_OCCURRENCES) -> list[tuple[datetime, datetime]]:
    """Sessions overlapping [earliest, latest), at most ``limit``, in start order."""
    query = _query(start, end, rule, excluded)
    spans = [_span(c, start.tzinfo) for c in query.between(earliest, latest)]
    spans.sort()
    return spans[:limit]


def next_after(start: datetime, end: datetime, rule: str, excluded: list[datetime],
               moment: datetime) -> tuple[datetime, datetime] | None:
    """The first session starting at or after ``moment`` (None when the series is over)."""
    query = _query(start, end, rule, excluded)
    for component in islice(query.after(moment), MAX_OCCURRENCES):
        span = _span(component, start.tzinfo)
        if span[0] >= moment:
            return span
    return None


def last_session(start: datetime, end: datetime, rule: str,
                 excluded: list[datetime]) -> tuple[datetime, datetime] | None:
    """The last session of a bounded rule (None when the rule has no end)."""
    if not is_bounded(rule):
        return None
    skipped = {m.astimezone(UTC) for m in excluded}
    last = None
    for moment in islice(rule_dates(rule, start), MAX_OCCURRENCES):
        if moment.astimezone(UTC) not in skipped:
            last = moment
    if last is None:
        return None
    return last, last + (end - start)
