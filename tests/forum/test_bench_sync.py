"""The sync benchmark runs end to end on a small synthetic forum (not a timed test).

What is checked: the synthetic forum answers like Discourse (pages of 30 sorted
by ``bumped_at``, ``more_topics_url`` without ``.json``, topics cut at 20
posts, ``/t/{id}/{n}.json`` around post ``n``), and one benchmark run writes its
JSON and Markdown, fetches exactly the changed topics in the incremental syncs
(at once, and after the slow-refresh interval, which also re-reads the slowly
changing parts), stays within the request target, and exits non-zero with a
clear message when the target is exceeded.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

import bench_sync  # noqa: E402
from make_demo_forum_snapshot import route  # noqa: E402

SMALL, CHANGED = 60, 5


def _bumped(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["bumped_at"].replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, dict[str, Any]]:
    """One benchmark run on 60 topics with 5 changed (a couple of seconds)."""
    out = tmp_path_factory.mktemp("bench-sync")
    status = bench_sync.main(["--topics", str(SMALL), "--changed", str(CHANGED),
                              "--out", str(out)])
    report = json.loads((out / "bench-sync.json").read_text(encoding="utf-8"))
    return status, out, report


def test_latest_pages_follow_discourse() -> None:
    forum = bench_sync.SyntheticForum(100)
    first, last = forum["latest"], forum["latest-page3"]
    topics = first["topic_list"]["topics"]
    assert len(topics) == 30 and first["topic_list"]["more_topics_url"] == "/latest?page=1"
    assert topics[0]["pinned_globally"] and not any(t["pinned"] for t in topics[1:])
    dates = [_bumped(t) for t in topics[1:]]
    assert dates == sorted(dates, reverse=True)
    assert len(last["topic_list"]["topics"]) == 10 and "more_topics_url" not in last["topic_list"]
    poster_ids = {p["user_id"] for t in topics for p in t["posters"]}
    assert poster_ids <= {u["id"] for u in first["users"]}

    top_before = [t["id"] for t in forum["top-weekly"]["topic_list"]["topics"]]
    changed = forum.bump(3)
    assert len(set(changed)) == 3 and min(changed) < 20  # an old topic among them
    topics = forum["latest"]["topic_list"]["topics"]
    assert {t["id"] for t in topics[1:4]} == set(changed)
    bumped = next(t for t in topics if t["id"] == changed[0])
    assert bumped["posts_count"] == bumped["highest_post_number"] == len(
        forum.topics[changed[0]].posts)
    assert [t["id"] for t in forum["top-weekly"]["topic_list"]["topics"]] == top_before


def test_long_topics_are_served_in_chunks_like_discourse() -> None:
    forum = bench_sync.SyntheticForum(100)
    long_id = next(t.id for t in forum.topics.values() if len(t.posts) > 20)
    status, _, body = route(forum, f"/t/{long_id}.json", {}, "http://127.0.0.1:1")
    topic = json.loads(body)
    assert status == 200
    assert len(topic["post_stream"]["posts"]) == 20
    assert len(topic["post_stream"]["stream"]) == len(forum.topics[long_id].posts)
    assert route(forum, "/t/100000.json", {}, "http://127.0.0.1:1")[0] == 404
    count = len(forum.topics[long_id].posts)
    _, _, body = route(forum, f"/t/{long_id}/{count}.json", {}, "http://127.0.0.1:1")
    near = json.loads(body)["post_stream"]
    # near the end, earlier posts fill the chunk, as Discourse does
    assert [p["post_number"] for p in near["posts"]] == list(range(count - 19, count + 1))
    assert len(near["stream"]) == count
    assert route(forum, "/discourse-post-event/events.json", {}, "http://127.0.0.1:1")[0] == 404


def test_benchmark_writes_results_and_meets_the_target(
        small_run: tuple[int, Path, dict[str, Any]]) -> None:
    status, out, report = small_run
    assert status == 0
    table = (out / "bench-sync.md").read_text(encoding="utf-8")
    assert "| requests |" in table and "**met**" in table
    assert "| incremental after 6 h (5 changed) |" in table
    assert report["slow_refresh_hours"] == 6
    full = report["full"]
    assert report["parameters"]["topics"] == SMALL
    assert report["target"] == {"incremental_max_requests": 15, "met": True}
    # the full sync read every listed topic and every linked one
    assert len(report["linked_topics"]) == 20
    assert set(report["linked_topics"]) <= set(full["topics_fetched"])
    assert len(full["topics_fetched"]) == SMALL


def test_incremental_sync_fetches_exactly_the_changed_topics(
        small_run: tuple[int, Path, dict[str, Any]]) -> None:
    _, _, report = small_run
    full, incremental = report["full"], report["incremental"]
    changed = report["changed_topics"]
    assert len(changed) == CHANGED
    assert incremental["topics_fetched"] == changed
    assert incremental["topics_requested"] == changed  # nothing else from /t/
    # every topic is known (60 fit in the two latest pages): a changed topic costs one
    # request, /t/{id}.json or, for a long one, /t/{id}/{n}.json after its known end
    by_endpoint = incremental["by_endpoint"]
    assert by_endpoint.get("/t/{id}.json", 0) + by_endpoint.get(
        "/t/{id}/{post_number}.json", 0) == CHANGED
    assert by_endpoint.get("/t/{id}/{post_number}.json", 0) >= 1
    # slow parts still fresh: latest page 0 and about, nothing else
    assert by_endpoint["/latest.json"] == by_endpoint["/about.json"] == 1
    assert incremental["requests"] == 2 + CHANGED
    assert incremental["refreshed"] == ["latest"]
    assert incremental["topics_reused"] == SMALL - CHANGED
    assert "avatars" not in incremental["by_endpoint"]
    assert incremental["requests"] <= bench_sync.TARGET_REQUESTS
    assert incremental["requests"] * 5 < full["requests"]
    assert sum(incremental["by_endpoint"].values()) == incremental["requests"]
    assert not full["warnings"] and not incremental["warnings"]
    assert report["snapshot"]["topics"] == SMALL and report["snapshot"]["bytes"] > 0


def test_after_the_interval_the_slow_parts_are_read_again(
        small_run: tuple[int, Path, dict[str, Any]]) -> None:
    _, _, report = small_run
    later = report["incremental_after_interval"]
    changed = report["changed_topics_later"]
    assert len(changed) == CHANGED and not set(changed) & set(report["changed_topics"])
    assert later["refreshed"] == ["site", "latest", "top:weekly", "top:monthly",
                                  "directory", "events"]
    assert later["topics_fetched"] == later["topics_requested"] == changed
    # + site, 2 top lists, directory, events (a 404: no calendar plugin)
    assert later["requests"] == 2 + 5 + CHANGED
    assert later["by_endpoint"]["/top.json"] == 2
    assert not later["warnings"]


def test_exceeding_the_target_fails_with_a_clear_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 14 changed topics: latest page 0 + about + 14 topic reads = 16 requests
    status = bench_sync.main(["--topics", "40", "--changed", "14", "--linked", "0",
                              "--out", str(tmp_path)])
    assert status == 1
    err = capsys.readouterr().err
    assert "expected at most 15" in err and "/t/{id}.json" in err
    assert "used 16 requests" in err
    report = json.loads((tmp_path / "bench-sync.json").read_text(encoding="utf-8"))
    assert report["target"]["met"] is False
    assert report["incremental"]["topics_fetched"] == report["changed_topics"]
    assert "**NOT met**" in (tmp_path / "bench-sync.md").read_text(encoding="utf-8")


def test_bad_options_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        bench_sync.main(["--topics", "10", "--changed", "10"])
    assert exit_info.value.code == 2
    assert "--changed: expected fewer than --topics (10), found 10" in capsys.readouterr().err
