"""The one clock every time-dependent decision reads, and the site's time zone.

"Now" decides what is upcoming or past, which scheduled posts are live, what a
digest covers and how old the forum snapshot is. Reading it in one place lets a
test or a demo build pin it:

1. the environment variable ``AGORA_NOW`` (ISO date-time with offset) wins;
2. then the ``AGORA_NOW`` setting (the demo hub pins its "today" so its dates
   stay sensible whenever it is built);
3. otherwise the system clock, in UTC.

A build reads the clock once, when it starts (:func:`read`); everything during
the build asks :func:`now`, which answers that same instant, so one page never
disagrees with another about what is past.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agora.state import build_state

ENV_VAR = "AGORA_NOW"
EXPECTED = "ISO date-time with offset like 2026-12-03T18:00:00+01:00"


class ClockError(ValueError):
    """A value that should be an instant is not an ISO date-time with offset."""


def parse_instant(value: str | datetime, origin: str = ENV_VAR) -> datetime:
    """Parse an aware ISO 8601 date-time (``Z`` allowed); naive values are refused, not guessed.

    ``origin`` names where the value came from, for the message.
    """
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ClockError(f"{origin}: expected {EXPECTED}, found {value!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError(f"{origin}: expected {EXPECTED}, found {value!r} (no UTC offset)")
    return moment


def instant_or_none(value: Any) -> datetime | None:
    """:func:`parse_instant` for data read defensively (forum JSON): None instead of an error."""
    if not isinstance(value, str | datetime) or not value:
        return None
    try:
        return parse_instant(value)
    except ClockError:
        return None


def read(settings: Mapping[str, Any] | None = None) -> datetime:
    """Read the clock afresh (see the module doc for precedence); a build does it once."""
    pinned = os.environ.get(ENV_VAR, "").strip()
    if pinned:
        return parse_instant(pinned, ENV_VAR)
    if settings is not None:
        from agora.settings import options  # noqa: PLC0415 - settings reads instants with this module

        configured = options(settings).now
        if configured is not None:
            return configured
    return datetime.now(UTC)


def now(settings: Mapping[str, Any] | None = None) -> datetime:
    """The build's "now" while a build runs, else a fresh reading of the clock."""
    state = build_state(settings) if settings is not None else None
    return state.now if state is not None else read(settings)


def site_zone(settings: Mapping[str, Any]) -> ZoneInfo:
    """The site's zone (Pelican's ``TIMEZONE``); without one, or an unknown one, UTC."""
    try:
        return ZoneInfo(str(settings.get("TIMEZONE") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return ZoneInfo("UTC")


def today(settings: Mapping[str, Any]) -> date:
    """The calendar day it is in the site's zone, on the build's clock."""
    return now(settings).astimezone(site_zone(settings)).date()


def aware(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` with a zone: a naive date (a site without ``TIMEZONE``) is read in ``zone``."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def local_midnight(day: date, settings: Mapping[str, Any]) -> datetime:
    """The instant ``day`` starts in the site's zone (when daily lists change)."""
    return datetime.combine(day, time(0), tzinfo=site_zone(settings))
