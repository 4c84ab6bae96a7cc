"""The subscribers database: location rules, durability settings, schema, subscribers."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agora.newsletter.errors import InvalidSubscriberError, StoreError
from agora.newsletter.store import (
    DEFAULT_DB,
    SCHEMA_VERSION,
    NewsletterStore,
    database_path,
)
from tests.conftest import REPO


def test_default_path_and_environment(tmp_path: Path):
    assert database_path({}, cwd=tmp_path) == Path(DEFAULT_DB).expanduser().resolve()
    chosen = tmp_path / "db" / "n.sqlite3"
    assert database_path({"AGORA_NEWSLETTER_DB": str(chosen)}, cwd=tmp_path) == chosen


@pytest.mark.parametrize("inside", ["newsletter.sqlite3", "data/newsletter.sqlite3"])
def test_path_inside_the_work_tree_is_refused(inside: str):
    with pytest.raises(StoreError, match="expected a path outside the git work tree"):
        database_path({"AGORA_NEWSLETTER_DB": inside}, cwd=REPO)


def test_path_inside_another_work_tree_or_output_is_refused(tmp_path: Path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    with pytest.raises(StoreError, match="outside the git work tree"):
        database_path({"AGORA_NEWSLETTER_DB": str(tmp_path / "repo" / "x.sqlite3")},
                      cwd=tmp_path)
    with pytest.raises(StoreError, match=r"outside any output/ folder"):
        database_path({"AGORA_NEWSLETTER_DB": str(tmp_path / "site" / "output" / "x.db")},
                      cwd=tmp_path)


def test_database_is_private_durable_and_versioned(tmp_path: Path):
    path = tmp_path / "new" / "folder" / "n.sqlite3"
    with NewsletterStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 1
        pragma = {name: store._db.execute(f"PRAGMA {name}").fetchone()[0]
                  for name in ("journal_mode", "synchronous", "foreign_keys")}
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    tables = {row[0] for row in sqlite3.connect(path).execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"subscribers", "issues", "deliveries", "failures", "handoffs"}


def test_migrates_an_empty_file_and_refuses_a_newer_schema(tmp_path: Path):
    path = tmp_path / "n.sqlite3"
    path.touch()  # version 0
    NewsletterStore(path).close()
    with NewsletterStore(path) as store:  # reopening applies nothing twice
        assert store.schema_version == 1
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    with pytest.raises(StoreError, match="expected schema version 1 or older, found 99"):
        NewsletterStore(path)


def test_not_a_database(tmp_path: Path):
    path = tmp_path / "n.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StoreError, match="expected an Agora newsletter database"):
        NewsletterStore(path)


def test_subscribers_are_case_insensitive_with_random_tokens(tmp_path: Path):
    today = [datetime(2026, 11, 1, 9, tzinfo=UTC)]
    with NewsletterStore(tmp_path / "n.sqlite3", clock=lambda: today[0]) as store:
        first, action = store.add("Camille@Example.org", name="Camille", language="FR")
        assert action == "added"
        assert (first.email, first.language, first.status) == ("camille@example.org", "fr",
                                                               "subscribed")
        assert first.created_at == "2026-11-01T09:00:00+00:00"
        today[0] = datetime(2026, 11, 2, 9, tzinfo=UTC)
        again, action = store.add("CAMILLE@example.ORG", name="Camille D.")
        assert action == "updated" and again.id == first.id
        assert again.updated_at == "2026-11-02T09:00:00+00:00"
        assert again.token == first.token and len(first.token) == 32
        other, _ = store.add("dominique@example.org")
        assert other.token != first.token and other.language is None and other.name == ""
        assert "camille" not in repr(first) and first.token not in repr(first)


@pytest.mark.parametrize(("email", "language", "message"), [
    ("camille@", None, "expected an address like camille@example.org, found 'c***@'"),
    ("camille@example.org", "klingon", "language: expected a language code"),
    ("camille@example.org", "xx", "language: expected a known language code"),
])
def test_invalid_subscribers_are_refused(tmp_path: Path, email, language, message):
    with NewsletterStore(tmp_path / "n.sqlite3") as store, \
            pytest.raises(InvalidSubscriberError, match=re.escape(message)):
        store.add(email, language=language)


def test_send_lock_is_exclusive(tmp_path: Path):
    with NewsletterStore(tmp_path / "n.sqlite3") as store, \
            NewsletterStore(tmp_path / "n.sqlite3") as other, store.send_lock(), \
            pytest.raises(StoreError, match="expected no other send running"), \
            other.send_lock():
        pass
    with NewsletterStore(tmp_path / "n.sqlite3") as store, store.send_lock():
        pass  # released when the holder is done
