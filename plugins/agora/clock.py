"""The one clock every time-dependent decision reads.

"Now" decides what is upcoming or past, which scheduled posts are live, what a
digest covers and how old the forum snapshot is. Reading it in one place lets a
test or a demo build pin it:

1. the environment variable ``AGORA_NOW`` (ISO date-time with offset) wins;
2. then the ``AGORA_NOW`` setting (the demo hub pins its "today" so its dates
   stay sensible whenever it is built);
3. otherwise the system clock, in UTC.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

ENV_VAR = "AGORA_NOW"


class ClockError(ValueError):
    """``AGORA_NOW`` holds something that is not an ISO date-time with offset."""


def parse_instant(value: str | datetime, origin: str = ENV_VAR) -> datetime:
    """Parse an aware ISO 8601 date-time; naive values are refused, not guessed."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ClockError(
                f"{origin}: expected ISO date-time with offset like 2026-12-03T18:00:00+01:00, "
                f"found {value!r}"
            ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError(
            f"{origin}: expected ISO date-time with offset like 2026-12-03T18:00:00+01:00, "
            f"found {value!r} (no UTC offset)"
        )
    return moment


def now(settings: Mapping[str, Any] | None = None) -> datetime:
    """Return the current instant as an aware datetime (see module doc for precedence)."""
    pinned = os.environ.get(ENV_VAR, "").strip()
    if pinned:
        return parse_instant(pinned, ENV_VAR)
    if settings is not None and settings.get("AGORA_NOW"):
        return parse_instant(settings["AGORA_NOW"], "AGORA_NOW setting")
    return datetime.now(UTC)
