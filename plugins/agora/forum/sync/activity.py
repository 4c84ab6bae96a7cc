"""Activity stage: the community's counters (every sync) and the calendar plugin's events."""

from __future__ import annotations

import copy

from agora.forum.schema import Event
from agora.forum.sync.records import count, normalise_stats
from agora.forum.sync.run import SyncRun


def read_stats(run: SyncRun) -> dict[str, int]:
    """``about.stats``, read at every sync: the health trends compare them day by day."""
    run.report("stats", 0, 1)
    about = run.client.about().get("about")
    stats = normalise_stats(about.get("stats") if isinstance(about, dict) else None)
    run.report("stats", 1, 1)
    return stats


def read_events(run: SyncRun) -> list[Event]:
    """Calendar events, read again once older than the slow interval.

    A forum without the plugin answers 404: that absence is remembered like a
    read, and probed again after the interval.
    """
    run.report("events", 0, 1)
    if run.previous is not None and not run.plan.due("events"):
        run.plan.keep("events")
        events = copy.deepcopy(run.previous.events)
    else:
        raw = run.client.events()
        run.plan.mark("events")
        events = sorted((run.records.event(e) for e in raw or []),
                        key=lambda e: (str(e.get("starts_at") or ""), count(e.get("id"))))
    run.report("events", 1, 1)
    return events
