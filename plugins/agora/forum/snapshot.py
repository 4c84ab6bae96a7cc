"""The forum snapshot: the contract between ``agora sync`` and the build.

Builds never talk to the forum; they read a snapshot folder (default
``data/forum/``) written by :func:`agora.forum.sync.sync`::

    data/forum/
      snapshot.json      versioned, deterministic JSON (sorted keys, indented) so a
                         committed snapshot diffs well
      avatars/           downloaded avatars (PNG/JPEG/GIF/WebP), referenced by relative path
      images/            images of the stored post bodies (best replies, profile bios),
                         referenced from that HTML as ``src="snapshot:images/<name>"``

Writing is atomic at the directory level: the new snapshot is assembled in a
staging folder beside the target (same filesystem), then swapped in with two
renames (target -> backup, staging -> target) and the backup removed. A sync
that fails or is interrupted therefore leaves the previous snapshot exactly as
it was; a backup left behind by a crash between the renames is restored or
removed by :func:`recover` on the next run. Only one sync may write a given
snapshot folder at a time.

``snapshot.json`` fields (``"format": 1``): see :class:`Snapshot`. Fields added
since the first format-1 snapshots are optional and default to empty on read
(``category_lists``, ``fetched_at``, ``restricted_category_ids``), so older
snapshots stay readable and simply make the next sync a full one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from agora.clock import instant_or_none

FORMAT = 1
SNAPSHOT_FILE = "snapshot.json"
AVATARS_DIR = "avatars"
IMAGES_DIR = "images"
#: Stats points kept in ``history``, one per day at most (two months of daily or
#: hourly syncs, a year of weekly ones).
HISTORY_LIMIT = 60
#: Counters copied from ``stats`` into each ``history`` point.
HISTORY_KEYS = ("topics", "posts", "users", "likes", "active_users_7_days",
                "active_users_30_days", "posts_7_days", "posts_30_days")
#: Top-level fields and the JSON type each must have.
FIELDS: dict[str, type] = {
    "format": int, "taken_at": str, "forum_url": str, "categories": list, "latest": list,
    "top": dict, "category_lists": dict, "topics": dict, "stats": dict, "directory": list,
    "users": dict, "events": list, "history": list,
}
#: Optional top-level fields (absent in older format-1 snapshots) and their JSON type.
OPTIONAL_FIELDS: dict[str, type] = {
    "category_lists": dict, "fetched_at": dict, "restricted_category_ids": list,
}


class SnapshotError(Exception):
    """A snapshot folder exists but cannot be read: names the path, the expectation, the find."""

    def __init__(self, path: Path | str, expected: str, found: str):
        self.path = str(path)
        self.expected = expected
        self.found = found
        super().__init__(f"{path}: expected {expected}, found {found}")


@dataclass(frozen=True)
class Snapshot:
    """What the last sync saw of the forum.

    * ``taken_at`` -- when (aware datetime, from :func:`agora.clock.now`);
    * ``forum_url`` -- base URL every ``url`` in the snapshot points into;
    * ``categories`` -- public categories ``{id, name, slug, color, text_color,
      description, parent_category_id, position, topic_count, post_count, url}``;
    * ``latest`` -- topic summaries in forum order ``{id, title, slug, url,
      category_id, tags, posts_count, replies, highest_post_number, created_at,
      last_posted_at, bumped_at, views, like_count, pinned, pinned_globally, closed,
      archived, visible, excerpt, last_poster_username, posters}``; ``replies`` is
      ``posts_count - 1`` (what readers call replies -- NOT Discourse's reply_count);
    * ``top`` -- ``{period: [topic ids]}``;
    * ``category_lists`` -- ``{slug: {id, latest: [ids], top: {period: [ids]}}}``
      for the configured categories;
    * ``topics`` -- ``{id: topic}``: a summary's fields plus ``excerpt`` (plain
      text of the first post), ``author``, ``participants`` ``[{username, name,
      avatar, post_count}]``, ``best_replies`` ``[{username, name, avatar,
      cooked_html (sanitized; images as ``snapshot:images/...``), like_count,
      post_number, created_at, url}]`` and ``fetched_at`` (when its page was
      last read; absent in older snapshots);
    * ``stats`` -- normalised counters (``topics, posts, users, likes,
      active_users_7_days, active_users_30_days, posts_7_days, ...``);
    * ``directory`` -- top contributors of the month ``{username, name, title,
      avatar, likes_received, likes_given, post_count, topic_count, days_visited}``;
    * ``users`` -- ``{username: profile}`` for the usernames asked for;
    * ``events`` -- calendar plugin events (``[]`` without the plugin);
    * ``history`` -- past stats points ``[{taken_at, users, posts, ...}]``, oldest first,
      the last of each day;
    * ``fetched_at`` -- ``{what: ISO instant}``: when each slowly changing part
      was last read from the forum (``site``, ``latest``, ``top:<period>``,
      ``category:<slug>``, ``category:<slug>:top:<period>``, ``directory``,
      ``events``, ``user:<username>``), so an incremental sync re-reads it only
      once it is older than the refresh interval (see :mod:`agora.forum.sync`);
    * ``restricted_category_ids`` -- ids of the categories the forum marks
      ``read_restricted`` (ids only: names of private categories are never
      stored), to keep their topics out of lists between two reads of ``site``.

    Every ``avatar`` is a path relative to the snapshot folder, or None.
    """

    path: Path
    taken_at: datetime
    forum_url: str
    categories: list[dict[str, Any]] = field(default_factory=list)
    latest: list[dict[str, Any]] = field(default_factory=list)
    top: dict[str, list[int]] = field(default_factory=dict)
    category_lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    directory: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    fetched_at: dict[str, str] = field(default_factory=dict)
    restricted_category_ids: list[int] = field(default_factory=list)
    format: int = FORMAT

    # -- lookups ----------------------------------------------------------------------

    def topic(self, topic_id: int | str) -> dict[str, Any] | None:
        """The stored topic (``forum_topic:`` front matter may give the id as text)."""
        try:
            return self.topics.get(int(topic_id))
        except (TypeError, ValueError):
            return None

    def category(self, category_id: int | None) -> dict[str, Any] | None:
        """The category with this id, if public."""
        return next((c for c in self.categories if c.get("id") == category_id), None)

    def user(self, username: str) -> dict[str, Any] | None:
        """A stored profile, matched case-insensitively like Discourse usernames."""
        wanted = username.lower()
        return next((u for name, u in self.users.items() if name.lower() == wanted), None)

    def top_topics(self, period: str) -> list[dict[str, Any]]:
        """The topics of a top list, in forum order."""
        return [t for t in (self.topic(i) for i in self.top.get(period, [])) if t]

    def hot(self, n: int = 5) -> list[dict[str, Any]]:
        """The ``n`` most recently active open discussions.

        Global "welcome" pins, closed, archived and unlisted topics are not
        discussions one can join, so they are left out.
        """
        seen: set[int] = set()
        candidates: list[dict[str, Any]] = []
        for summary in [*self.latest, *self.topics.values()]:
            topic = self.topics.get(summary.get("id"), summary)
            if topic.get("id") in seen:
                continue
            seen.add(topic.get("id"))
            if (topic.get("pinned_globally") or topic.get("closed") or topic.get("archived")
                    or topic.get("visible") is False):
                continue
            candidates.append(topic)

        def activity(topic: dict[str, Any]) -> tuple[float, int, int]:
            moment = (instant_or_none(topic.get("bumped_at"))
                      or instant_or_none(topic.get("last_posted_at"))
                      or instant_or_none(topic.get("created_at")))
            return (moment.timestamp() if moment else 0.0, topic.get("posts_count") or 0,
                    topic.get("id") or 0)

        return sorted(candidates, key=activity, reverse=True)[: max(0, n)]

    # -- freshness ----------------------------------------------------------------------

    def age(self, now: datetime) -> timedelta:
        """How old the snapshot is at ``now``."""
        return now - self.taken_at

    def is_stale(self, max_age_hours: float, now: datetime) -> bool:
        """Whether the build should warn that the forum data is old."""
        return self.age(now) > timedelta(hours=max_age_hours)

    def file(self, relative: str | None) -> Path | None:
        """Absolute path of a stored file (an ``avatar``), or None if it is not there."""
        if not relative:
            return None
        candidate = (self.path / relative).resolve()
        if self.path.resolve() not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    # -- serialisation ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The JSON document stored as ``snapshot.json``."""
        return {
            "format": self.format,
            "taken_at": self.taken_at.isoformat(),
            "forum_url": self.forum_url,
            "categories": self.categories,
            "latest": self.latest,
            "top": self.top,
            "category_lists": self.category_lists,
            "topics": {str(k): v for k, v in sorted(self.topics.items())},
            "stats": self.stats,
            "directory": self.directory,
            "users": self.users,
            "events": self.events,
            "history": self.history,
            "fetched_at": self.fetched_at,
            "restricted_category_ids": self.restricted_category_ids,
        }


def dump_json(data: Any) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, UTF-8 text, final newline."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def snapshot_from_dict(data: Any, path: Path | str) -> Snapshot:
    """Validate a parsed ``snapshot.json`` and build a :class:`Snapshot` (path: for messages)."""
    where = Path(path)
    source = where / SNAPSHOT_FILE if where.suffix != ".json" else where
    if not isinstance(data, dict):
        raise SnapshotError(source, "a JSON object", f"a JSON {type(data).__name__}")
    version = data.get("format")
    if version != FORMAT:
        newer = isinstance(version, int) and version > FORMAT
        raise SnapshotError(source, f'"format": {FORMAT}',
                            f'"format": {json.dumps(version)}'
                            + (" (written by a newer Agora; upgrade, or run agora sync)"
                               if newer else " (not an Agora forum snapshot?)"))
    for name, kind in FIELDS.items():
        if name in OPTIONAL_FIELDS and name not in data:
            continue
        if not isinstance(data.get(name), kind):
            found = "nothing" if name not in data else f"a JSON {type(data[name]).__name__}"
            raise SnapshotError(source, f"field {name!r} to be a JSON "
                                f"{'object' if kind is dict else kind.__name__}", found)
    for name, kind in OPTIONAL_FIELDS.items():
        if name in data and not isinstance(data[name], kind):
            raise SnapshotError(source, f"field {name!r} to be a JSON "
                                f"{'object' if kind is dict else kind.__name__}",
                                f"a JSON {type(data[name]).__name__}")
    taken_at = instant_or_none(data["taken_at"])
    if taken_at is None:
        raise SnapshotError(source, "taken_at as an ISO date-time with offset",
                            repr(data["taken_at"]))
    topics: dict[int, dict[str, Any]] = {}
    for key, topic in data["topics"].items():
        if (not isinstance(topic, dict) or not str(key).isdigit()
                or topic.get("id") != int(key) or not isinstance(topic.get("title"), str)):
            raise SnapshotError(source, f"topics[{key!r}] to be a topic with that id and a title",
                                repr(topic)[:80])
        topics[int(key)] = topic
    return Snapshot(
        path=where if where.suffix != ".json" else where.parent,
        format=FORMAT,
        taken_at=taken_at,
        forum_url=data["forum_url"],
        categories=data["categories"],
        latest=data["latest"],
        top={str(k): list(v) for k, v in data["top"].items()},
        category_lists=data.get("category_lists") or {},
        topics=topics,
        stats=data["stats"],
        directory=data["directory"],
        users=data["users"],
        events=data["events"],
        history=data["history"],
        fetched_at={str(k): v for k, v in (data.get("fetched_at") or {}).items()
                    if isinstance(v, str)},
        restricted_category_ids=[i for i in data.get("restricted_category_ids") or []
                                 if isinstance(i, int)],
    )


def _backup_dir(target: Path) -> Path:
    return target.parent / f".{target.name}.previous"


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.staging-"


def load_snapshot(directory: Path | str) -> Snapshot | None:
    """Read a snapshot folder; None when there is none yet.

    A folder left mid-swap by a crash is read from its backup (reading never
    changes files). Raises :class:`SnapshotError` for unreadable content.
    """
    target = Path(directory)
    source = target / SNAPSHOT_FILE
    if not source.is_file():
        backup = _backup_dir(target)
        if target.exists() or not (backup / SNAPSHOT_FILE).is_file():
            return None
        source = backup / SNAPSHOT_FILE
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(source, "a readable UTF-8 file", type(exc).__name__) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SnapshotError(source, "valid JSON", f"{exc.msg} at line {exc.lineno}") from None
    return snapshot_from_dict(data, source)  # from a backup, files are read there too


def recover(directory: Path | str) -> None:
    """Finish or undo a swap interrupted by a crash, and remove abandoned staging folders."""
    target = Path(directory)
    backup = _backup_dir(target)
    if backup.exists():
        if target.exists():
            shutil.rmtree(backup)  # the new snapshot was already in place
        else:
            os.rename(backup, target)  # crashed between the two renames: restore
    if target.parent.is_dir():
        for stale in target.parent.glob(_staging_prefix(target) + "*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


class SnapshotWriter:
    """Assemble a new snapshot beside ``target`` and swap it in only if all went well.

    Use as a context manager: files go into :attr:`staging`, the document is
    given to :meth:`write`; leaving the block without an exception swaps the
    folders, an exception (or never calling :meth:`write`) discards the staging
    folder and leaves ``target`` untouched. Files in ``target`` that are not
    part of a snapshot (a README, ``.gitkeep``) are carried over.
    """

    def __init__(self, target: Path | str):
        self.target = Path(target)
        self.staging: Path = self.target
        self._written = False

    def __enter__(self) -> SnapshotWriter:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        recover(self.target)
        self.staging = Path(tempfile.mkdtemp(dir=self.target.parent,
                                             prefix=_staging_prefix(self.target)))
        # mkdtemp makes a private (0700) folder; a snapshot is meant to be shared.
        mode = self.target.stat().st_mode & 0o7777 if self.target.is_dir() else 0o755
        self.staging.chmod(mode)
        if self.target.is_dir():
            for item in self.target.iterdir():
                if item.name not in (SNAPSHOT_FILE, AVATARS_DIR, IMAGES_DIR):
                    copy = shutil.copytree if item.is_dir() else shutil.copy2
                    copy(item, self.staging / item.name)
        return self

    def previous_file(self, relative: str) -> Path | None:
        """A file of the current snapshot, to reuse instead of downloading it again."""
        candidate = self.target / relative
        return candidate if candidate.is_file() else None

    def write(self, data: Mapping[str, Any]) -> Snapshot:
        """Validate and write ``snapshot.json`` into the staging folder."""
        snapshot = snapshot_from_dict(dict(data), self.staging)
        destination = self.staging / SNAPSHOT_FILE
        with destination.open("w", encoding="utf-8", newline="\n") as out:
            out.write(dump_json(dict(data)))
            out.flush()
            os.fsync(out.fileno())
        self._written = True
        return Snapshot(**{**snapshot.__dict__, "path": self.target})

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is not None or not self._written:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        self.commit()

    def commit(self) -> None:
        """Swap the staging folder in: target -> backup, staging -> target, drop backup."""
        backup = _backup_dir(self.target)
        if backup.exists():
            shutil.rmtree(backup)
        if self.target.exists():
            os.rename(self.target, backup)
        os.rename(self.staging, self.target)
        _fsync_dir(self.target.parent)
        if backup.exists():
            shutil.rmtree(backup)
