"""Subscribers and the sent-log, in one SQLite database outside the site.

The database holds personal data (addresses, names, unsubscribe tokens), so it
lives outside the repository and the output folder: its path comes from
``AGORA_NEWSLETTER_DB`` (default ``~/.local/share/agora/newsletter.sqlite3``),
and a path inside the current git work tree or inside an ``output/`` folder is
refused. The file is created readable by its owner only.

Durability is what "exactly once" rests on: WAL journal, ``synchronous=FULL``
(a commit survives a power cut), foreign keys on, and one short transaction per
delivery, committed right after the mail server accepted the message.
The schema version is SQLite's ``user_version``; :data:`MIGRATIONS` brings a
database from any older version (0 = empty file) to the current one.

Tables: ``subscribers``; ``issues`` (the content hash of each issue as first
sent, and by which route); ``deliveries`` (one row per issue and address,
unique); ``failures`` (refused recipients, retried on the next run);
``handoffs`` (issues handed to listmonk, one campaign per edition).
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from agora import clock as agora_clock
from agora.newsletter.errors import (
    AlreadyHandedOffError,
    InvalidSubscriberError,
    IssueChangedError,
    StoreError,
)
from agora.newsletter.languages import normalize_language
from agora.newsletter.privacy import mask_address, normalize_address

ENV_DB = "AGORA_NEWSLETTER_DB"
DEFAULT_DB = "~/.local/share/agora/newsletter.sqlite3"
STATUSES = ("subscribed", "unsubscribed", "bounced")
ROUTES = ("smtp", "listmonk")

Clock = Callable[[], datetime]

_V1 = (
    """CREATE TABLE subscribers (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (email = lower(email)),
        name TEXT NOT NULL DEFAULT '',
        language TEXT,
        status TEXT NOT NULL DEFAULT 'subscribed'
            CHECK (status IN ('subscribed', 'unsubscribed', 'bounced')),
        token TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE issues (
        issue_id TEXT PRIMARY KEY,
        content_sha256 TEXT NOT NULL,
        edition_hashes TEXT NOT NULL,
        route TEXT NOT NULL CHECK (route IN ('smtp', 'listmonk')),
        first_sent_at TEXT NOT NULL)""",
    """CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        issue_id TEXT NOT NULL REFERENCES issues(issue_id),
        email TEXT NOT NULL COLLATE NOCASE REFERENCES subscribers(email),
        language TEXT NOT NULL,
        message_id TEXT NOT NULL,
        delivered_at TEXT NOT NULL,
        UNIQUE (issue_id, email))""",
    """CREATE TABLE failures (
        issue_id TEXT NOT NULL REFERENCES issues(issue_id),
        email TEXT NOT NULL COLLATE NOCASE REFERENCES subscribers(email),
        reason TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 1,
        failed_at TEXT NOT NULL,
        PRIMARY KEY (issue_id, email))""",
    """CREATE TABLE handoffs (
        issue_id TEXT NOT NULL REFERENCES issues(issue_id),
        language TEXT NOT NULL,
        campaign_name TEXT NOT NULL,
        campaign_id INTEGER,
        created_at TEXT NOT NULL,
        PRIMARY KEY (issue_id, language))""",
)
#: Statements taking a database from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1,)
SCHEMA_VERSION = len(MIGRATIONS)


# --------------------------------------------------------------------------- location


def database_path(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """The database file to use (``AGORA_NEWSLETTER_DB`` or the default), checked."""
    env = os.environ if environ is None else environ
    raw = (env.get(ENV_DB) or "").strip() or DEFAULT_DB
    here = (cwd or Path.cwd()).resolve()
    path = Path(raw).expanduser()
    path = (path if path.is_absolute() else here / path).resolve()
    check_location(path, here)
    return path


def _work_tree(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def check_location(path: Path, cwd: Path) -> None:
    """Refuse a database inside a git work tree (the current one or its own) or an output/."""
    if "output" in path.parts[:-1]:
        raise StoreError(f"{ENV_DB}: expected a path outside any output/ folder (the site "
                         f"is published from there), found {path}")
    for start in (cwd, path.parent):
        tree = _work_tree(start)
        if tree is not None and path.is_relative_to(tree):
            raise StoreError(f"{ENV_DB}: expected a path outside the git work tree {tree} "
                             f"(subscribers must never be committed), found {path}")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Subscriber:
    """One address; ``repr`` masks it and hides the token (they end up in logs)."""

    id: int
    email: str
    name: str
    language: str | None
    status: str
    token: str
    created_at: str
    updated_at: str

    def __repr__(self) -> str:
        return (f"Subscriber({self.id}, {mask_address(self.email)!r}, "
                f"language={self.language!r}, status={self.status!r})")


@dataclass(frozen=True)
class Failure:
    email: str
    reason: str
    attempts: int
    failed_at: str

    def __repr__(self) -> str:
        return f"Failure({mask_address(self.email)!r}, {self.reason!r})"


@dataclass(frozen=True)
class Handoff:
    issue_id: str
    language: str
    campaign_name: str
    campaign_id: int | None
    created_at: str


def _subscriber(row: sqlite3.Row) -> Subscriber:
    return Subscriber(row["id"], row["email"], row["name"], row["language"], row["status"],
                      row["token"], row["created_at"], row["updated_at"])


def _handoff(row: sqlite3.Row) -> Handoff:
    return Handoff(row["issue_id"], row["language"], row["campaign_name"], row["campaign_id"],
                   row["created_at"])


def check_address(value: str) -> str:
    address = normalize_address(value)
    if address is None:
        # Even a malformed address is personal data: show only its shape.
        raise InvalidSubscriberError(f"expected an address like camille@example.org, "
                                     f"found {mask_address(value.strip())!r}")
    return address


def check_language(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return normalize_language(value)
    except ValueError as exc:
        raise InvalidSubscriberError(f"language: expected {exc}") from None


def check_status(value: str) -> str:
    status = (value or "").strip().lower()
    if status not in STATUSES:
        raise InvalidSubscriberError(f"status: expected one of {', '.join(STATUSES)}, "
                                     f"found {value!r}")
    return status


def _clean_name(value: str | None) -> str:
    # Names end up in a To header and a greeting: one line, no control characters.
    return " ".join("".join(c for c in (value or "") if c.isprintable()).split())


# --------------------------------------------------------------------------- store


class NewsletterStore:
    """The subscribers database (see the module docstring)."""

    def __init__(self, path: Path | str, *, clock: Clock | None = None):
        self.path = Path(path)
        self._clock: Clock = clock or agora_clock.now
        _create_private(self.path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: expected an Agora newsletter database, "
                             f"found {exc}") from None

    @classmethod
    def open(cls, environ: Mapping[str, str] | None = None, *,
             clock: Clock | None = None) -> NewsletterStore:
        """The database named by the environment (see :func:`database_path`)."""
        return cls(database_path(environ), clock=clock)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> NewsletterStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"NewsletterStore({str(self.path)!r})"

    def now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: committed on success, rolled back on any error."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: expected schema version {SCHEMA_VERSION} or "
                             f"older, found {version} (written by a newer Agora)")
        for target in range(version, SCHEMA_VERSION):
            with self.transaction() as db:
                for statement in MIGRATIONS[target]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target + 1}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def send_lock(self) -> Iterator[None]:
        """Exclusive right to send with this database (released even if the process dies)."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"{lock_path}: expected no other send running with this "
                                 "database, found one (wait for it to finish)") from None
            yield
        finally:
            os.close(handle)

    # -- subscribers -------------------------------------------------------------------

    def get(self, email: str) -> Subscriber | None:
        address = normalize_address(email)
        if address is None:
            return None
        row = self._db.execute("SELECT * FROM subscribers WHERE email = ?",
                               (address,)).fetchone()
        return _subscriber(row) if row else None

    def by_token(self, token: str) -> Subscriber | None:
        row = self._db.execute("SELECT * FROM subscribers WHERE token = ?",
                               ((token or "").strip(),)).fetchone()
        return _subscriber(row) if row else None

    def subscribers(self, status: str | None = None) -> list[Subscriber]:
        if status is None:
            rows = self._db.execute("SELECT * FROM subscribers ORDER BY id")
        else:
            rows = self._db.execute("SELECT * FROM subscribers WHERE status = ? ORDER BY id",
                                    (check_status(status),))
        return [_subscriber(row) for row in rows]

    def upsert(self, db: sqlite3.Connection, email: str, *, name: str | None = None,
               language: str | None = None, status: str | None = None) -> str:
        """Insert or update one address inside ``db``'s transaction.

        ``None`` means "not given": a new row gets the default (no name, the
        site's language, subscribed), an existing row keeps its value. Returns
        ``added``, ``updated`` or ``unchanged``.
        """
        address = check_address(email)
        row = db.execute("SELECT * FROM subscribers WHERE email = ?", (address,)).fetchone()
        now = self.now()
        if row is None:
            db.execute("INSERT INTO subscribers (email, name, language, status, token, "
                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (address, _clean_name(name), check_language(language),
                        status or "subscribed", self._new_token(db), now, now))
            return "added"
        changes: dict[str, Any] = {}
        if name is not None and _clean_name(name) != row["name"]:
            changes["name"] = _clean_name(name)
        if language is not None and check_language(language) != row["language"]:
            changes["language"] = check_language(language)
        if status is not None and check_status(status) != row["status"]:
            changes["status"] = check_status(status)
        if not changes:
            return "unchanged"
        assignments = ", ".join(f"{column} = ?" for column in changes)
        db.execute(f"UPDATE subscribers SET {assignments}, updated_at = ? WHERE id = ?",
                   (*changes.values(), now, row["id"]))
        return "updated"

    @staticmethod
    def _new_token(db: sqlite3.Connection) -> str:
        while True:  # a collision of 192 random bits will not happen; the check is free
            token = secrets.token_urlsafe(24)
            if not db.execute("SELECT 1 FROM subscribers WHERE token = ?", (token,)).fetchone():
                return token

    def add(self, email: str, *, name: str | None = None,
            language: str | None = None) -> tuple[Subscriber, str]:
        """Subscribe ``email`` (an explicit request: resubscribes a former subscriber)."""
        with self.transaction() as db:
            action = self.upsert(db, email, name=name, language=language, status="subscribed")
        subscriber = self.get(email)
        assert subscriber is not None
        return subscriber, action

    def set_status(self, subscriber: Subscriber, status: str) -> Subscriber:
        with self.transaction() as db:
            self.upsert(db, subscriber.email, status=check_status(status))
        updated = self.get(subscriber.email)
        assert updated is not None
        return updated

    # -- issues and deliveries ---------------------------------------------------------

    def _issue_problem(self, issue_id: str, content_sha256: str,
                       edition_hashes: Mapping[str, str], route: str) -> Exception | None:
        row = self._db.execute("SELECT * FROM issues WHERE issue_id = ?", (issue_id,)).fetchone()
        if row is None or not self._anything_sent(issue_id):
            return None
        if row["route"] != route:
            return AlreadyHandedOffError(
                f"issue {issue_id} already went out through {row['route']} (first on "
                f"{row['first_sent_at']}); sending it through {route} too would reach "
                "subscribers twice")
        if row["content_sha256"] == content_sha256:
            return None
        recorded = json.loads(row["edition_hashes"])
        changed = sorted(lang for lang in set(recorded) | set(edition_hashes)
                         if recorded.get(lang) != edition_hashes.get(lang))
        return IssueChangedError(
            f"issue {issue_id} changed since it was first sent on {row['first_sent_at']} "
            f"(edition {', '.join(changed)} differs); an issue never changes once sent")

    def _anything_sent(self, issue_id: str) -> bool:
        return bool(self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM deliveries WHERE issue_id = ?) "
            "OR EXISTS (SELECT 1 FROM handoffs WHERE issue_id = ?)",
            (issue_id, issue_id)).fetchone()[0])

    def check_issue(self, issue_id: str, content_sha256: str,
                    edition_hashes: Mapping[str, str], route: str = "smtp") -> None:
        """Raise if sending this content by ``route`` is refused; write nothing (dry runs)."""
        problem = self._issue_problem(issue_id, content_sha256, edition_hashes, route)
        if problem is not None:
            raise problem

    def begin_issue(self, issue_id: str, content_sha256: str,
                    edition_hashes: Mapping[str, str], route: str = "smtp") -> None:
        """Record the content about to be sent, or refuse it (see :meth:`check_issue`).

        While nothing was delivered the recorded content may still change (a
        fixed typo after a failed first attempt); afterwards it may not.
        """
        if route not in ROUTES:
            raise ValueError(f"route: expected one of {ROUTES}, found {route!r}")
        with self.transaction() as db:
            problem = self._issue_problem(issue_id, content_sha256, edition_hashes, route)
            if problem is not None:
                raise problem
            if not self._anything_sent(issue_id):
                db.execute(
                    "INSERT INTO issues (issue_id, content_sha256, edition_hashes, route, "
                    "first_sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (issue_id) DO UPDATE "
                    "SET content_sha256 = excluded.content_sha256, edition_hashes = "
                    "excluded.edition_hashes, route = excluded.route, "
                    "first_sent_at = excluded.first_sent_at",
                    (issue_id, content_sha256, json.dumps(dict(sorted(edition_hashes.items()))),
                     route, self.now()))

    def pending(self, issue_id: str) -> list[Subscriber]:
        """Subscribed addresses without a delivery of ``issue_id``, oldest subscriber first."""
        rows = self._db.execute(
            "SELECT * FROM subscribers s WHERE s.status = 'subscribed' AND NOT EXISTS "
            "(SELECT 1 FROM deliveries d WHERE d.issue_id = ? AND d.email = s.email) "
            "ORDER BY s.id", (issue_id,))
        return [_subscriber(row) for row in rows]

    def delivered_count(self, issue_id: str, *, subscribed_only: bool = False) -> int:
        query = "SELECT count(*) FROM deliveries d WHERE d.issue_id = ?"
        if subscribed_only:
            query += (" AND EXISTS (SELECT 1 FROM subscribers s WHERE s.email = d.email "
                      "AND s.status = 'subscribed')")
        return int(self._db.execute(query, (issue_id,)).fetchone()[0])

    def record_delivery(self, issue_id: str, email: str, language: str,
                        message_id: str) -> None:
        """Commit one accepted message (its own transaction: it must survive a crash now)."""
        with self.transaction() as db:
            db.execute("INSERT INTO deliveries (issue_id, email, language, message_id, "
                       "delivered_at) VALUES (?, ?, ?, ?, ?)",
                       (issue_id, email, language, message_id, self.now()))
            db.execute("DELETE FROM failures WHERE issue_id = ? AND email = ?",
                       (issue_id, email))

    def record_failure(self, issue_id: str, email: str, reason: str) -> None:
        """Remember a refused recipient (with a redacted reason); retried on the next run."""
        with self.transaction() as db:
            db.execute("INSERT INTO failures (issue_id, email, reason, failed_at) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT (issue_id, email) DO UPDATE SET "
                       "reason = excluded.reason, failed_at = excluded.failed_at, "
                       "attempts = attempts + 1", (issue_id, email, reason, self.now()))

    def failures(self, issue_id: str) -> list[Failure]:
        rows = self._db.execute("SELECT * FROM failures WHERE issue_id = ? ORDER BY email",
                                (issue_id,))
        return [Failure(r["email"], r["reason"], r["attempts"], r["failed_at"]) for r in rows]

    # -- listmonk hand-offs ------------------------------------------------------------

    def handoff(self, issue_id: str, language: str) -> Handoff | None:
        row = self._db.execute("SELECT * FROM handoffs WHERE issue_id = ? AND language = ?",
                               (issue_id, language)).fetchone()
        return _handoff(row) if row else None

    def handoffs(self, issue_id: str) -> list[Handoff]:
        rows = self._db.execute("SELECT * FROM handoffs WHERE issue_id = ? ORDER BY language",
                                (issue_id,))
        return [_handoff(row) for row in rows]

    def start_handoff(self, issue_id: str, language: str, campaign_name: str) -> None:
        """Note, BEFORE the request, that a campaign is being created (see listmonk.py)."""
        with self.transaction() as db:
            db.execute("INSERT INTO handoffs (issue_id, language, campaign_name, created_at) "
                       "VALUES (?, ?, ?, ?)", (issue_id, language, campaign_name, self.now()))

    def finish_handoff(self, issue_id: str, language: str, campaign_id: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE handoffs SET campaign_id = ? WHERE issue_id = ? AND language = ?",
                       (campaign_id, issue_id, language))

    def cancel_handoff(self, issue_id: str, language: str) -> None:
        """Forget a hand-off listmonk definitely refused (nothing was created)."""
        with self.transaction() as db:
            db.execute("DELETE FROM handoffs WHERE issue_id = ? AND language = ? "
                       "AND campaign_id IS NULL", (issue_id, language))


def _create_private(path: Path) -> None:
    """Create the database file (and its folder) readable by the owner only."""
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"{path}: expected a writable location for the subscribers "
                         f"database, found {exc.strerror}") from None
