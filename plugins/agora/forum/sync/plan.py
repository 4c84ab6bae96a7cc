"""What to read from the forum this time, given the previous snapshot.

The economy rules (see :mod:`agora.forum.sync`) in one place: which slowly
changing parts are due, how far down ``/latest`` can hold news, and whether a
topic is reused, read whole or read from its known end. The plan also keeps
the new snapshot's ``fetched_at`` ledger: when each part was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from agora.clock import instant_or_none
from agora.forum.client import TOPIC_CHUNK
from agora.forum.schema import Topic
from agora.forum.snapshot import Snapshot
from agora.forum.sync.records import count

#: Margin for clock differences between us and the forum when deciding whether a
#: further ``/latest`` page can hold topics bumped since the previous sync.
LATEST_OVERLAP = timedelta(minutes=10)


class TopicRead(Enum):
    """How a topic is brought up to date."""

    REUSE = "reuse"  # the stored copy, with the cheap fields of its list item
    FULL = "full"  # every post: ``/t/{id}.json`` (plus ``posts.json`` when long)
    PARTIAL = "partial"  # the posts after the known end: ``/t/{id}/{n}.json``


def is_long(topic: Mapping[str, Any] | None) -> bool:
    """Whether ``/t/{id}.json`` alone would not hold all the topic's posts."""
    return count((topic or {}).get("posts_count")) > TOPIC_CHUNK


@dataclass
class Plan:
    """The reading decisions of one sync (``full``: as if there were no previous snapshot)."""

    now: datetime
    previous: Snapshot | None
    slow_refresh: timedelta
    full: bool = False
    #: The new snapshot's ``fetched_at`` map (only the parts still wanted).
    fetched_at: dict[str, str] = field(default_factory=dict)
    #: Parts read from the forum this time, in reading order.
    refreshed: list[str] = field(default_factory=list)

    @property
    def incremental(self) -> bool:
        return self.previous is not None and not self.full

    def expired(self, stamp: str | None) -> bool:
        """Whether something read at ``stamp`` must be read again now."""
        if not self.incremental:
            return True
        moment = instant_or_none(stamp)
        if moment is None:
            return True
        age = self.now - moment
        return age < timedelta(0) or age >= self.slow_refresh  # a clock set back: re-read

    def due(self, part: str) -> bool:
        """Whether the slowly changing ``part`` must be read from the forum now."""
        return self.expired(self.previous.fetched_at.get(part) if self.previous else None)

    def mark(self, part: str) -> None:
        """``part`` was just read from the forum."""
        self.fetched_at[part] = self.now.isoformat()
        self.refreshed.append(part)

    def keep(self, part: str) -> None:
        """``part`` is kept from the previous snapshot, with its reading time."""
        if self.previous is not None and part in self.previous.fetched_at:
            self.fetched_at[part] = self.previous.fetched_at[part]

    def latest_since(self) -> datetime | None:
        """Topics bumped after this instant may be news (None: everything may be)."""
        if self.previous is None or not self.incremental:
            return None
        read = (instant_or_none(self.previous.fetched_at.get("latest"))
                or self.previous.taken_at)
        return read - LATEST_OVERLAP

    def more_latest(self, since: datetime | None, page: list[dict[str, Any]]) -> bool:
        """Whether the ``/latest`` page after ``page`` can hold topics bumped ``since``.

        Discourse orders ``/latest`` by ``bumped_at`` (pinned topics first): once a
        page ends with a topic bumped before ``since``, nothing further down changed.
        """
        last = next((t for t in reversed(page) if not t.get("pinned")), None)
        moment = instant_or_none(last.get("bumped_at")) if last else None
        return since is None or moment is None or moment > since

    def topic_read(self, topic_id: int, item: Mapping[str, Any] | None,
                   old: Topic | None, listed: set[int]) -> TopicRead:
        """How to bring a topic up to date: reuse, read whole, or read from its known end.

        ``item`` is its list item just read (None: in no list read this time);
        ``listed``: every topic of the lists, read now or kept.
        """
        if old is None or self.full:
            return TopicRead.FULL
        known_end = old.get("highest_post_number")
        if item is not None:
            changed = (item.get("bumped_at") != old.get("bumped_at")
                       or item.get("highest_post_number") != known_end)
            if not changed:
                return TopicRead.REUSE
            return TopicRead.PARTIAL if is_long(item) and known_end else TopicRead.FULL
        if topic_id in listed or not self.expired(old.get("fetched_at")):
            # In a list kept from the previous snapshot: a bump would have put it in
            # the /latest pages just read. Linked only and read recently: kept.
            return TopicRead.REUSE
        return TopicRead.PARTIAL if is_long(old) and known_end else TopicRead.FULL
