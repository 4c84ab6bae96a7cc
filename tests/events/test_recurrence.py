"""Recurrence rules: normalised once, expanded within bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agora.events.recurrence import (
    RuleError,
    expand,
    last_session,
    next_after,
    normalize_rule,
)

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 10, 6, 18, 0, tzinfo=PARIS)
END = START + timedelta(hours=1)


@pytest.mark.parametrize(("written", "normalized"), [
    ("FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU"),
    ("RRULE:FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU"),
    # a date UNTIL means "until the end of that day" in the event's zone, written in UTC
    ("FREQ=WEEKLY;UNTIL=20261201", "FREQ=WEEKLY;UNTIL=20261201T225959Z"),
    ("FREQ=WEEKLY;UNTIL=20261201T180000", "FREQ=WEEKLY;UNTIL=20261201T170000Z"),
])
def test_rules_are_normalised(written, normalized):
    assert normalize_rule(written, START) == normalized


@pytest.mark.parametrize("written", ["", "FREQ=SOMETIMES", "BYDAY=TU", "FREQ=WEEKLY;FOO=1",
                                     "FREQ=MINUTELY", "FREQ=WEEKLY;UNTIL=20260901"])
def test_unusable_rules_are_refused(written):
    with pytest.raises(RuleError):
        normalize_rule(written, START)


def test_until_is_inclusive_of_the_last_day():
    rule = normalize_rule("FREQ=WEEKLY;UNTIL=20261201", START)
    assert last_session(START, END, rule, []) == (datetime(2026, 12, 1, 18, 0, tzinfo=PARIS),
                                                  datetime(2026, 12, 1, 19, 0, tzinfo=PARIS))
    assert last_session(START, END, "FREQ=WEEKLY", []) is None  # no end


def test_expansion_is_bounded_and_honours_exdates():
    skipped = [datetime(2026, 10, 27, 18, 0, tzinfo=PARIS)]
    spans = expand(START, END, "FREQ=DAILY", skipped, START, START + timedelta(days=365),
                   limit=30)
    assert len(spans) == 30
    assert all(s.hour == 18 for s, _ in spans)
    assert skipped[0] not in [s for s, _ in spans]


def test_next_after_finds_the_first_session_at_or_after_a_moment():
    moment = datetime(2026, 10, 21, tzinfo=UTC)
    assert next_after(START, END, "FREQ=WEEKLY;BYDAY=TU", [], moment)[0] == datetime(
        2026, 10, 27, 18, 0, tzinfo=PARIS)
    assert next_after(START, END, "FREQ=WEEKLY;COUNT=2", [], moment) is None
