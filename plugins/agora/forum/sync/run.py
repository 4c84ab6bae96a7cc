"""One sync run: what every stage shares (never module-level state)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agora.forum.client import DiscourseClient
from agora.forum.snapshot import Snapshot, SnapshotWriter
from agora.forum.sync.plan import Plan
from agora.forum.sync.records import Records

ProgressCallback = Callable[[str, int, int], None]


@dataclass
class SyncCounts:
    """What a sync did so far (counters and warnings).

    ``refreshed`` lists the slowly changing parts read from the forum this time
    (keys of the snapshot's ``fetched_at``: ``site``, ``top:weekly``, ...); the
    others were kept from the previous snapshot. ``avatars_failed`` and
    ``images_failed`` count the files that could not be stored: the avatar is
    left empty (the theme draws initials), the image left out (its alt text
    stays), a warning names the URL, and the next sync tries again.
    """

    topics_fetched: list[int] = field(default_factory=list)
    topics_reused: list[int] = field(default_factory=list)
    avatars_downloaded: int = 0
    avatars_reused: int = 0
    avatars_failed: int = 0
    images_downloaded: int = 0
    images_reused: int = 0
    images_failed: int = 0
    refreshed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def assets_fallen_back(self) -> int:
        """Avatars and images that could not be stored this time (see above)."""
        return self.avatars_failed + self.images_failed


@dataclass(frozen=True)
class Wanted:
    """What the site asks of the forum beyond its lists."""

    topic_ids: tuple[int, ...] = ()
    usernames: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()


@dataclass
class SyncRun:
    """The context every stage reads and reports to.

    ``forum_url`` is the public base every stored link points to; ``client`` may
    read from elsewhere (a mirror, a test server). ``asset_hosts`` are the hosts
    the forum serves files from (``AGORA_FORUM_ASSET_HOSTS``), trusted like its own.
    """

    forum_url: str
    client: DiscourseClient
    writer: SnapshotWriter
    previous: Snapshot | None
    plan: Plan
    records: Records
    wanted: Wanted
    counts: SyncCounts
    asset_hosts: frozenset[str] = frozenset()
    progress: ProgressCallback | None = None

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def warn(self, message: str) -> None:
        self.counts.warnings.append(message)
