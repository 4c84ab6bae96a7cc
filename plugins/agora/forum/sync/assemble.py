"""Assemble stage: the new document from what every stage read, and the stats history."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from agora.forum.schema import (
    HISTORY_KEYS,
    DirectoryEntry,
    Document,
    Event,
    HistoryPoint,
    Profile,
    Topic,
    TopicSummary,
)
from agora.forum.snapshot import HISTORY_LIMIT, Snapshot
from agora.forum.sync.lists import Lists
from agora.forum.sync.run import SyncRun


def history(previous: Snapshot | None, stats: dict[str, int],
            taken_at: datetime) -> list[HistoryPoint]:
    """The previous points and this one, oldest first, one per day (the day's last).

    Syncing every hour must not push the 7- and 30-day comparisons of the health
    trends out of the points the snapshot keeps.
    """
    point = cast(HistoryPoint, {"taken_at": taken_at.isoformat(),
                                **{k: stats[k] for k in HISTORY_KEYS if k in stats}})
    points = [h for h in (previous.history if previous else [])
              if h.get("taken_at") != point["taken_at"]]
    points = sorted([*points, point], key=lambda h: str(h.get("taken_at")))
    return list({str(h.get("taken_at"))[:10]: h for h in points}.values())[-HISTORY_LIMIT:]


def assemble(run: SyncRun, *, lists: Lists, topics: dict[int, Topic],
             latest: list[TopicSummary], stats: dict[str, int],
             directory: list[DirectoryEntry], profiles: dict[str, Profile],
             events: list[Event]) -> Document:
    """The document the writer checks and stores (files are resolved into it next)."""
    return Document(
        taken_at=run.plan.now, forum_url=run.forum_url, categories=lists.site.categories,
        latest=latest, top=lists.top, category_lists=lists.category_lists,
        topics=dict(sorted(topics.items())), stats=stats, directory=directory,
        users=profiles, events=events,
        history=history(run.previous, stats, run.plan.now),
        fetched_at=dict(sorted(run.plan.fetched_at.items())),
        restricted_category_ids=sorted(lists.site.restricted),
    )
