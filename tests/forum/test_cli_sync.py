"""`agora sync` end to end: a real local HTTP forum, the CLI, then a build from the snapshot."""

from __future__ import annotations

import shutil

import pytest

from agora.cli import main
from agora.forum.client import DiscourseClient
from agora.forum.snapshot import load_snapshot
from tests.conftest import REPO, build
from tests.forum.conftest import tree_hashes


@pytest.fixture
def hub(tmp_path):
    """A copy of the demo hub whose settings allow a fast request budget for tests."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    settings = (REPO / "pelicanconf.py").read_text(encoding="utf-8")
    (tmp_path / "pelicanconf.py").write_text(
        settings + "\nAGORA_FORUM_REQUESTS_PER_SECOND = 20\n"
        f"THEME = {str(REPO / 'theme')!r}\n", encoding="utf-8")
    return tmp_path


def test_sync_then_build_shows_the_forum_counts(hub, forum, monkeypatch, capsys):
    monkeypatch.chdir(hub)
    snapshot = hub / "data" / "forum"
    assert main(["sync", "--forum-url", forum.url, "--snapshot-dir", str(snapshot)]) == 0
    err = capsys.readouterr().err
    assert "agora sync: done" in err and "requests" in err
    assert "0 fell back (initials or alt text shown; tried again at the next sync)" in err
    # the topics content links to were fetched
    for topic in (103, 107):
        assert forum.hits(rf"/t/{topic}(\.json)?"), f"linked topic {topic} not fetched"
    site = build(hub, settings_file=hub / "pelicanconf.py", AGORA_FORUM_URL=forum.url,
                 AGORA_FORUM_SNAPSHOT_DIR=str(snapshot))
    block = site.html("blog/astuce-semences/").cssselect("section.forum-thread")[0]
    assert forum.docs["t-103"]["posts_count"] == 8
    assert "7 réponses" in " ".join(block.text_content().split())

    # a second sync is incremental: no topic is fetched again
    before = len(forum.log)
    assert main(["sync", "--forum-url", forum.url, "--snapshot-dir", str(snapshot)]) == 0
    second = forum.log[before:]
    assert len(second) < before
    assert not [h for h in second if h.path.startswith("/t/")]


def test_failed_sync_exits_non_zero_and_keeps_the_snapshot(hub, forum, monkeypatch, capsys):
    monkeypatch.chdir(hub)
    made = DiscourseClient.from_options.__func__
    monkeypatch.setattr(DiscourseClient, "from_options", classmethod(  # retries without waiting
        lambda cls, options, **tuning: made(cls, options, sleep=lambda _s: None, **tuning)))
    snapshot = hub / "data" / "forum"
    shutil.copytree(REPO / "data" / "forum", snapshot)
    before = tree_hashes(snapshot)
    forum.break_path("/about.json", status=503)
    assert main(["sync", "--forum-url", forum.url, "--snapshot-dir", str(snapshot)]) == 1
    err = capsys.readouterr().err
    assert "failed, the previous snapshot is unchanged" in err
    assert "/about.json" in err and "503" in err
    assert tree_hashes(snapshot) == before


def test_sync_without_forum_url_explains(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text("PATH = 'content'\n", encoding="utf-8")
    assert main(["sync"]) == 1
    assert "AGORA_FORUM_URL: expected the forum's URL" in capsys.readouterr().err


def test_full_sync_reads_everything_again(hub, forum, monkeypatch, capsys):
    monkeypatch.chdir(hub)
    snapshot = hub / "data" / "forum"
    args = ["sync", "--forum-url", forum.url, "--snapshot-dir", str(snapshot)]
    assert main(args) == 0
    before = len(forum.log)
    assert main(args) == 0
    incremental = forum.log[before:]
    # slow-moving parts are not read again within AGORA_FORUM_SLOW_REFRESH_HOURS
    assert not [h for h in incremental if h.path.startswith("/site.json")]
    before = len(forum.log)
    assert main([*args, "--full"]) == 0
    full = forum.log[before:]
    assert [h for h in full if h.path.startswith("/site.json")]
    assert [h for h in full if h.path.startswith("/t/103")]
    assert len(full) > len(incremental)
    assert "images downloaded" in capsys.readouterr().err


def test_sync_reads_the_clock_of_the_settings(hub, forum, monkeypatch, capsys):
    monkeypatch.chdir(hub)
    monkeypatch.delenv("AGORA_NOW")
    snapshot = hub / "data" / "forum"
    assert main(["sync", "--forum-url", forum.url, "--snapshot-dir", str(snapshot)]) == 0
    taken = load_snapshot(snapshot).taken_at.isoformat()
    assert taken == "2026-11-20T10:00:00+01:00"  # AGORA_NOW in the hub's pelicanconf.py
    monkeypatch.setenv("AGORA_NOW", "2026-11-21T07:00:00+01:00")  # the environment wins
    assert main(["sync", "--forum-url", forum.url, "--snapshot-dir", str(snapshot)]) == 0
    assert load_snapshot(snapshot).taken_at.isoformat() == "2026-11-21T07:00:00+01:00"
