"""The forum snapshot: the contract between ``agora sync`` and the build.

Builds never talk to the forum; they read a snapshot folder (default
``data/forum/``) written by :func:`agora.forum.sync.sync`::

    data/forum/
      snapshot.json      versioned, deterministic JSON (sorted keys, indented) so a
                         committed snapshot diffs well
      avatars/           downloaded avatars (PNG/JPEG/GIF/WebP), referenced by relative path
      images/            images of the stored post bodies (best replies, profile bios),
                         referenced from that HTML as ``src="snapshot:images/<name>"``

What ``snapshot.json`` holds is declared once, in :mod:`agora.forum.schema`
(:class:`~agora.forum.schema.Document` and its records); reading it checks
every value against that declaration (:mod:`agora.forum.validate`): the file
lives in git, so a pull request can edit it. A structural problem (not JSON,
another format, a top-level field of the wrong type) raises
:class:`SnapshotError`; an invalid value is dropped and reported in
:attr:`Snapshot.problems` (links must be http(s) URLs on the forum's host or an
asset host, files relative paths inside the folder). Fields added since the
first format-1 snapshots are optional and default to empty on read, so older
snapshots stay readable and simply make the next sync a full one.

Writing is atomic at the directory level: the new snapshot is assembled in a
staging folder beside the target (same filesystem), then swapped in with two
renames (target -> backup, staging -> target) and the backup removed. A sync
that fails or is interrupted therefore leaves the previous snapshot exactly as
it was; a backup left behind by a crash between the renames is restored or
removed by :func:`recover` on the next run. Only one sync may write a given
snapshot folder at a time.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, get_origin
from urllib.parse import urlsplit

from agora.clock import instant_or_none
from agora.forum.schema import (
    FORMAT,
    Category,
    Document,
    Profile,
    Topic,
    TopicSummary,
    document_types,
)
from agora.forum.validate import Checking, compile_check, host_names, unwrap
from agora.problems import Mismatch, Problem, show

SNAPSHOT_FILE = "snapshot.json"
AVATARS_DIR = "avatars"
IMAGES_DIR = "images"
#: Stats points kept in ``history``, one per day at most (two months of daily or
#: hourly syncs, a year of weekly ones).
HISTORY_LIMIT = 60


class SnapshotError(Mismatch):
    """A snapshot folder exists but cannot be read: names the path, the expectation, the find."""

    def __init__(self, path: Path | str, expected: str, found: str):
        self.path = str(path)
        super().__init__(self.path, expected, found)


@dataclass(frozen=True, kw_only=True)
class Snapshot(Document):
    """A snapshot as read from its folder (``path``): the document and lookups into it.

    ``problems`` are the invalid values the loader dropped (warnings for the build).
    Every ``avatar`` is a path relative to the snapshot folder, or None.
    """

    path: Path
    problems: tuple[Problem, ...] = ()

    # -- lookups ----------------------------------------------------------------------

    def topic(self, topic_id: int | str) -> Topic | None:
        """The stored topic (``forum_topic:`` front matter may give the id as text)."""
        try:
            return self.topics.get(int(topic_id))
        except (TypeError, ValueError):
            return None

    def category(self, category_id: int | None) -> Category | None:
        """The category with this id, if public."""
        return next((c for c in self.categories if c.get("id") == category_id), None)

    def user(self, username: str) -> Profile | None:
        """A stored profile, matched case-insensitively like Discourse usernames."""
        wanted = username.lower()
        return next((u for name, u in self.users.items() if name.lower() == wanted), None)

    def hot(self, n: int = 5) -> list[TopicSummary]:
        """The ``n`` most recently active open discussions.

        Global "welcome" pins, closed, archived and unlisted topics are not
        discussions one can join, so they are left out.
        """
        seen: set[int] = set()
        candidates: list[TopicSummary] = []
        for summary in [*self.latest, *self.topics.values()]:
            topic: TopicSummary = self.topics.get(summary["id"], summary)
            if topic["id"] in seen:
                continue
            seen.add(topic["id"])
            if (topic.get("pinned_globally") or topic.get("closed") or topic.get("archived")
                    or topic.get("visible") is False):
                continue
            candidates.append(topic)

        def activity(topic: TopicSummary) -> tuple[float, int, int]:
            moment = (instant_or_none(topic.get("bumped_at"))
                      or instant_or_none(topic.get("last_posted_at"))
                      or instant_or_none(topic.get("created_at")))
            return (moment.timestamp() if moment else 0.0, topic.get("posts_count") or 0,
                    topic["id"])

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

    def to_dict(self) -> dict[str, Any]:
        """The JSON document stored as ``snapshot.json``."""
        return document_to_dict(self)


# --------------------------------------------------------------------------- JSON


def document_to_dict(document: Document) -> dict[str, Any]:
    """A document as JSON data: instants as ISO text, ids as object keys in text."""
    data: dict[str, Any] = {}
    for item in fields(Document):
        value = getattr(document, item.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, dict):
            value = {str(k): v for k, v in value.items()}
        data[item.name] = value
    return data


def dump_json(data: Any) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, UTF-8 text, final newline."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _json_kind(kind: Any) -> type:
    """The JSON type a top-level field must have: its container, a number, or text."""
    bare, _ = unwrap(kind)
    origin = get_origin(bare)
    if origin in (list, dict):
        return origin
    return int if bare is int else str


def _check_structure(data: Any, source: Path) -> None:
    """Raise :class:`SnapshotError` unless ``data`` is a format-1 document with typed fields."""
    if not isinstance(data, dict):
        raise SnapshotError(source, "a JSON object", f"a JSON {type(data).__name__}")
    version = data.get("format")
    if version != FORMAT:
        newer = isinstance(version, int) and version > FORMAT
        raise SnapshotError(source, f'"format": {FORMAT}',
                            f'"format": {json.dumps(version)}'
                            + (" (written by a newer Agora; upgrade, or run agora sync)"
                               if newer else " (not an Agora forum snapshot?)"))
    for item in fields(Document):
        kind = _json_kind(document_types()[item.name])
        if item.metadata.get("optional") and item.name not in data:
            continue
        if not isinstance(data.get(item.name), kind):
            found = ("nothing" if item.name not in data
                     else f"a JSON {type(data[item.name]).__name__}")
            raise SnapshotError(source, f"field {item.name!r} to be a JSON "
                                f"{'object' if kind is dict else kind.__name__}", found)
    for key, topic in data["topics"].items():
        if (not isinstance(topic, dict) or not str(key).isdigit()
                or topic.get("id") != int(key) or not isinstance(topic.get("title"), str)):
            raise SnapshotError(source, f"topics[{key!r}] to be a topic with that id and a title",
                                repr(topic)[:80])


def _forum_url(data: Mapping[str, Any], source: Path, trusted: str | None,
               checking: Checking) -> str:
    """The document's forum URL; with a ``trusted`` one (the build's setting), that one."""
    stored = str(data["forum_url"]).rstrip("/")
    if not trusted:
        if not checking.url_holds(stored, on_trusted_host=False):
            raise SnapshotError(source, "forum_url as an http(s) URL", show(stored))
        return stored
    trusted = trusted.rstrip("/")
    if stored != trusted:
        checking.problem("forum_url", f"{trusted} (AGORA_FORUM_URL)", data["forum_url"])
    return trusted


def snapshot_from_dict(data: Any, path: Path | str, *, forum_url: str | None = None,
                       asset_hosts: Iterable[str] = ()) -> Snapshot:
    """Check a parsed ``snapshot.json`` and build a :class:`Snapshot` (path: for messages).

    Links are accepted on the host of ``forum_url`` (the build's
    ``AGORA_FORUM_URL``; by default the document's own) and on ``asset_hosts``.
    """
    where = Path(path)
    source = where / SNAPSHOT_FILE if where.suffix != ".json" else where
    _check_structure(data, source)
    taken_at = instant_or_none(data["taken_at"])
    if taken_at is None:
        raise SnapshotError(source, "taken_at as an ISO date-time with offset",
                            repr(data["taken_at"]))
    checking = Checking(str(source), "", host_names(asset_hosts))
    base = _forum_url(data, source, forum_url, checking)
    checking.forum_host = (urlsplit(base).hostname or "").rstrip(".")
    values: dict[str, Any] = {}
    types = document_types()
    for item in fields(Document):
        if item.name in ("format", "taken_at", "forum_url"):
            continue
        factory = item.default_factory  # absent optional fields start empty
        raw = data[item.name] if item.name in data or not callable(factory) else factory()
        values[item.name] = compile_check(types[item.name])(raw, item.name, checking)
    return Snapshot(path=where if where.suffix != ".json" else where.parent,
                    taken_at=taken_at, forum_url=base, problems=tuple(checking.summary()),
                    **values)


def read_snapshot_file(source: Path, *, forum_url: str | None = None,
                       asset_hosts: Iterable[str] = ()) -> Snapshot:
    """Parse and check one ``snapshot.json`` (see :func:`snapshot_from_dict`)."""
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(source, "a readable UTF-8 file", type(exc).__name__) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(source, "valid JSON", f"{exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise SnapshotError(source, "valid JSON", "nesting too deep to read") from None
    return snapshot_from_dict(data, source, forum_url=forum_url, asset_hosts=asset_hosts)


def load_snapshot(directory: Path | str, *, forum_url: str | None = None,
                  asset_hosts: Iterable[str] = ()) -> Snapshot | None:
    """Read a snapshot folder; None when there is none yet.

    A folder left mid-swap by a crash is read from its backup (reading never
    changes files). Raises :class:`SnapshotError` for unreadable content; invalid
    values are dropped and listed in :attr:`Snapshot.problems`.
    """
    target = Path(directory)
    source = target / SNAPSHOT_FILE
    if not source.is_file():
        backup = _backup_dir(target)
        if target.exists() or not (backup / SNAPSHOT_FILE).is_file():
            return None
        source = backup / SNAPSHOT_FILE  # from a backup, files are read there too
    return read_snapshot_file(source, forum_url=forum_url, asset_hosts=asset_hosts)


def _backup_dir(target: Path) -> Path:
    return target.parent / f".{target.name}.previous"


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.staging-"


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

    def write(self, document: Document | Mapping[str, Any], *,
              asset_hosts: Iterable[str] = ()) -> Snapshot:
        """Check ``document`` as a loader would and write it as ``snapshot.json``.

        What is written is the checked document: a value the loader would drop
        is dropped now, and listed in the returned snapshot's ``problems``.
        """
        data = (document_to_dict(document) if isinstance(document, Document)
                else dict(document))
        checked = snapshot_from_dict(data, self.target / SNAPSHOT_FILE,
                                     asset_hosts=asset_hosts)
        destination = self.staging / SNAPSHOT_FILE
        with destination.open("w", encoding="utf-8", newline="\n") as out:
            out.write(dump_json(checked.to_dict()))
            out.flush()
            os.fsync(out.fileno())
        self._written = True
        return checked

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
