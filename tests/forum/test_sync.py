"""sync() against the fake forum: content, request economy, incrementality, atomicity."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from werkzeug import Response

from agora import clock
from agora.forum.client import ForumUnavailable
from agora.forum.snapshot import (
    SnapshotError,
    SnapshotWriter,
    load_snapshot,
    snapshot_from_dict,
)
from agora.forum.sync import SyncResult, normalise_stats, sync
from agora.settings import Options, setting_name

from .conftest import FIXTURES, ROOT, FakeDiscourse, tree_hashes

PUBLIC_URL = "https://forum.jardiniers-du-partage.example"
MEMBERS = ("camille.r", "yanis_b", "sofia.m", "hugo.l", "nadia.k")
LINKED = (103, 105, 107, 110)
LIST_DOCS = ("latest", "latest-page1", "top-weekly", "top-monthly", "c-evenements",
             "c-evenements-top-weekly", "c-evenements-top-monthly")
#: site 1 + latest 2 pages + top 2 periods + 12 topics + 1 posts.json (topic 107)
#: + about 1 + directory 1 + 5 profiles + events 1 + 10 distinct avatars
#: + 2 images in best replies (an emoji in topic 103, an upload in topic 109)
FULL_SYNC_REQUESTS = 38
#: What the snapshot records as read from the forum, in a full sync.
SLOW_PARTS = ["site", "latest", "top:weekly", "top:monthly", "directory",
              *(f"user:{name}" for name in MEMBERS), "events"]
EMOJI = "/images/emoji/twitter/snail.png"
UPLOAD = "/uploads/default/original/1X/planning.png"
SECRET = "k3y-5ecr3t-0123456789abcdef"


def forum_options(**settings: Any) -> Options:
    """The build's options for the demo forum; ``categories=...`` is AGORA_FORUM_CATEGORIES."""
    return Options.from_settings({"AGORA_FORUM_URL": PUBLIC_URL, **{
        setting_name(f"forum_{name}"): value for name, value in settings.items()}})


def run_sync(forum: FakeDiscourse, client: Any, target: Path, *,
             topic_ids: Iterable[int] = LINKED, usernames: Iterable[str] = MEMBERS,
             progress: Any = None, full: bool = False, **settings: Any) -> SyncResult:
    """A sync at the pinned clock (``AGORA_NOW``), as ``agora sync`` runs it."""
    return sync(forum_options(**settings), target, now=clock.read(), topic_ids=topic_ids,
                usernames=usernames, client=client, progress=progress, full=full)


def add_reply(docs: dict[str, Any], topic_id: int, when: str, *, username: str = "margot.v",
              likes: int = 30, text: str = "Nouvelle réponse très appréciée") -> None:
    """The forum gets a new reply: the topic and every list that shows it change."""
    topic = docs[f"t-{topic_id}"]
    posts = topic["post_stream"]["posts"]
    template = next(p for p in docs["t-102"]["post_stream"]["posts"]
                    if p["username"] == username)
    number = len(posts) + 1
    post = {**template, "id": topic_id * 100 + number, "post_number": number,
            "topic_id": topic_id, "cooked": f"<p>{text}</p>", "created_at": when,
            "actions_summary": [{"id": 2, "count": likes}], "post_type": 1}
    posts.append(post)
    topic["post_stream"]["stream"].append(post["id"])
    topic["posts_count"] += 1
    topic["highest_post_number"] = number
    topic["last_posted_at"] = when
    update_lists(docs, topic_id, posts_count=topic["posts_count"],
                 highest_post_number=number, bumped_at=when, last_posted_at=when)


def update_lists(docs: dict[str, Any], topic_id: int, **fields: Any) -> None:
    for name in LIST_DOCS:
        for item in docs[name]["topic_list"]["topics"]:
            if item["id"] == topic_id:
                item.update(fields)


def remove_from_lists(docs: dict[str, Any], topic_id: int) -> None:
    for name in LIST_DOCS:
        topics = docs[name]["topic_list"]["topics"]
        topics[:] = [t for t in topics if t["id"] != topic_id]


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return tmp_path / "data" / "forum"


# ------------------------------------------------------------------ a full sync


def test_full_sync_writes_the_documented_snapshot(forum, make_client, target, pinned_now):
    client = make_client()
    result = run_sync(forum, client, target)
    snap = result.snapshot

    assert result.requests == FULL_SYNC_REQUESTS == client.request_count
    assert len(forum.hits(r"/t/\d+\.json")) == 12
    assert len(forum.hits(r"/t/107/posts\.json")) == 1
    assert result.avatars_downloaded == 10 and result.avatars_reused == 0
    assert result.images_downloaded == 2 and result.images_reused == 0
    assert sorted(result.topics_fetched) == list(range(101, 113))
    assert result.refreshed == SLOW_PARTS

    raw = json.loads((target / "snapshot.json").read_text(encoding="utf-8"))
    assert raw["format"] == 1
    assert raw["taken_at"] == pinned_now == snap.taken_at.isoformat()
    assert raw["forum_url"] == PUBLIC_URL
    assert sorted(raw) == ["categories", "category_lists", "directory", "events", "fetched_at",
                           "format", "forum_url", "history", "latest",
                           "restricted_category_ids", "stats", "taken_at", "top", "topics",
                           "users"]
    assert raw["fetched_at"] == {key: pinned_now for key in SLOW_PARTS}
    assert raw["restricted_category_ids"] == [9]  # an id only: no private names stored
    assert all(t["fetched_at"] == pinned_now for t in raw["topics"].values())
    # private category and its topic are left out
    assert [c["slug"] for c in snap.categories] == [
        "uncategorized", "presentations", "entraide", "evenements", "idees-retours"]
    assert 113 not in snap.topics and all(t["id"] != 113 for t in snap.latest)
    assert [t["id"] for t in snap.latest] == [101, 107, 110, 103, 102, 105, 109,
                                              104, 108, 112, 106, 111]
    assert snap.top == {"weekly": [107, 110, 103, 109], "monthly": [107, 103, 105, 110, 102, 104]}


def test_topics_are_normalised(forum, make_client, target):
    snap = run_sync(forum, make_client(), target).snapshot
    limaces = snap.topic(103)
    assert limaces["title"] == "Comment lutter contre les limaces sans produits chimiques ?"
    assert limaces["tags"] == ["limaces", "potager-bio"]  # strings in /latest
    assert snap.topic("104")["tags"] == ["semis", "compost"]  # objects in page 2
    assert limaces["posts_count"] == 8 and limaces["replies"] == 7
    assert limaces["url"] == (f"{PUBLIC_URL}/t/comment-lutter-contre-les-limaces-sans-"
                              "produits-chimiques/103")
    assert limaces["excerpt"].startswith("Mes jeunes salades se font dévorer chaque nuit.")
    assert limaces["author"]["username"] == "lea_potager"
    assert [p["username"] for p in limaces["participants"]][:1] == ["lea_potager"]
    assert [(r["username"], r["like_count"]) for r in limaces["best_replies"]] == [
        ("camille.r", 9), ("sofia.m", 7), ("yanis_b", 6)]
    assert limaces["bumped_at"] == "2026-11-15T14:20:00.000Z"
    assert limaces["highest_post_number"] == 8


def test_long_topic_best_replies_come_from_the_later_posts_and_skip_non_regular(
        forum, make_client, target):
    serre = run_sync(forum, make_client(), target).snapshot.topic(107)
    # 21 and 22 are beyond the first 20 posts; 23 is a whisper with 20 likes,
    # 15 a small action and 24 a moderator action: none of those is content
    assert [r["post_number"] for r in serre["best_replies"]] == [21, 22, 8]
    assert serre["posts_count"] == 25 and serre["replies"] == 24
    assert serre["best_replies"][0]["url"].endswith("/t/chantier-participatif-construction-"
                                                    "de-la-serre/107/21")


def test_best_replies_are_sanitized_with_local_images(forum, make_client, target):
    snap = run_sync(forum, make_client(), target).snapshot
    html = "".join(r["cooked_html"] for r in snap.topic(109)["best_replies"])
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "style="):
        assert bad not in html
    [src] = re.findall(r'<img src="([^"]+)" alt="planning">', html)
    assert re.fullmatch(r"snapshot:images/[0-9a-f]{16}\.png", src)
    assert snap.file(src.removeprefix("snapshot:")).read_bytes().startswith(b"\x89PNG")
    assert 'rel="nofollow ugc noopener"' in html
    assert f'href="{PUBLIC_URL}/u/' in "".join(  # links to the forum stay links
        r["cooked_html"] for t in snap.topics.values() for r in t["best_replies"])
    bodies = [r["cooked_html"] for t in snap.topics.values() for r in t["best_replies"]]
    assert not [b for b in bodies if re.search(r'<img[^>]+src="(?!snapshot:images/)', b)]


def test_hot_leaves_out_global_pins_closed_archived_and_unlisted(forum, make_client, target):
    snap = run_sync(forum, make_client(), target).snapshot
    hot = [t["id"] for t in snap.hot(20)]
    assert hot == [103, 107, 110, 108, 109, 105, 104, 102]
    for excluded in (101, 106, 111, 112):  # welcome pin, closed, archived, unlisted
        assert excluded not in hot
    assert [t["id"] for t in snap.hot(2)] == [103, 107]


def test_avatars_relative_and_absolute_are_stored_locally(forum, make_client, target):
    snap = run_sync(forum, make_client(), target).snapshot
    by_name = {d["username"]: d for d in snap.directory}
    for name in ("camille.r", "yanis_b", "sofia.m"):  # user_avatar, letter proxy, absolute
        path = snap.file(by_name[name]["avatar"])
        assert path is not None and path.read_bytes().startswith(b"\x89PNG")
        assert by_name[name]["avatar"].startswith(f"avatars/{name}-")
    files = sorted(p.name for p in (target / "avatars").iterdir())
    assert len(files) == 10
    assert len(forum.hits(r"/cdn/user_avatar/sofia\.m/96/34_2\.png")) == 1


def test_stats_directory_users_events(forum, make_client, target):
    result = run_sync(forum, make_client(), target)
    snap = result.snapshot
    assert snap.stats["topics"] == 186 and snap.stats["posts"] == 2143
    assert snap.stats["users"] == 318 and snap.stats["likes"] == 5120
    assert snap.stats["active_users_7_days"] == 41
    assert snap.stats["active_users_30_days"] == 97
    assert snap.history == [{"taken_at": "2026-11-20T08:00:00+01:00", "topics": 186,
                             "posts": 2143, "users": 318, "likes": 5120,
                             "active_users_7_days": 41, "active_users_30_days": 97,
                             "posts_7_days": 87, "posts_30_days": 342}]
    assert [d["username"] for d in snap.directory] == [
        "camille.r", "sofia.m", "hugo.l", "yanis_b", "bernard.compost", "nadia.k",
        "theo_graines", "lea_potager"]
    assert snap.directory[0]["likes_received"] == 128
    assert sorted(snap.users) == ["camille.r", "hugo.l", "sofia.m", "yanis_b"]
    camille = snap.user("Camille.R")
    assert camille["post_count"] == 61 and camille["likes_received"] == 128
    assert [b["name"] for b in camille["badges"]][:2] == ["Membre de base", "Habitué"]
    assert camille["badges"][1]["badge_type"] == "silver"
    assert "<script" not in snap.user("sofia.m")["bio_html"]
    assert [w for w in result.warnings if "nadia.k" in w] == [
        "user nadia.k: profile hidden or missing on the forum (left out)"]
    assert [e["id"] for e in snap.events] == [31, 32, 33]
    assert snap.events[0]["url"] == f"{PUBLIC_URL}/t/fete-des-recoltes-du-28-novembre/110/1"
    assert snap.events[2]["name"] == "Idée : un atelier lombricompostage pour les enfants"


def test_old_about_key_names_are_accepted(forum, make_client, target, docs):
    docs["about"] = json.loads((FIXTURES / "about-old.json").read_text(encoding="utf-8"))
    stats = run_sync(forum, make_client(), target).snapshot.stats
    assert (stats["topics"], stats["posts"], stats["users"], stats["likes"]) == (
        150, 1700, 290, 4300)
    assert stats["active_users_7_days"] == 30 and stats["active_users_30_days"] == 80


def test_normalise_stats_prefers_active_over_participating():
    assert normalise_stats({"users_count": 3, "participating_users_7_days": 9,
                            "active_users_7_days": 5, "label": "x", "flag": True}) == {
        "users": 3, "active_users_7_days": 5}
    assert normalise_stats(None) == {}


def test_category_lists_and_unknown_categories(forum, make_client, target):
    client = make_client()
    result = run_sync(forum, client, target, categories=("evenements", "potager-secret"))
    assert result.snapshot.category_lists == {"evenements": {
        "id": 7, "latest": [107, 110], "top": {"weekly": [107, 110], "monthly": [110, 107]}}}
    assert result.requests == FULL_SYNC_REQUESTS + 3
    assert [w for w in result.warnings if "potager-secret" in w] == [
        "category 'potager-secret': expected one of the forum's public categories (entraide, "
        "evenements, idees-retours, presentations, uncategorized), found none with that slug"]
    assert result.refreshed[4:7] == ["category:evenements", "category:evenements:top:weekly",
                                     "category:evenements:top:monthly"]


def test_category_lists_are_kept_until_a_topic_of_theirs_is_bumped(forum, make_client,
                                                                     target, docs):
    run_sync(forum, make_client(), target, categories=("evenements",))
    forum.log.clear()
    quiet = run_sync(forum, make_client(), target, categories=("evenements",))
    assert not forum.hits(r"/c/.*")
    assert quiet.snapshot.category_lists["evenements"]["latest"] == [107, 110]
    add_reply(docs, 110, "2026-11-21T09:00:00.000Z")  # 110 is in "evenements" (id 7)
    forum.log.clear()
    busy = run_sync(forum, make_client(), target, categories=("evenements",))
    assert [h.path for h in forum.hits(r"/c/.*")] == ["/c/evenements/7.json"]  # tops kept
    assert busy.refreshed == ["latest", "category:evenements"]


def test_events_plugin_missing_gives_empty_events(forum, make_client, target, docs):
    del docs["events"]
    assert run_sync(forum, make_client(), target).snapshot.events == []


def test_progress_is_reported_by_stage(forum, make_client, target):
    calls: list[tuple[str, int, int]] = []
    run_sync(forum, make_client(), target, progress=lambda *a: calls.append(a))
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == ["site", "lists", "topics", "stats", "directory", "users", "events",
                      "avatars", "images", "write"]
    assert ("topics", 12, 12) in calls and ("avatars", 10, 10) in calls
    assert ("lists", 3, 3) in calls and ("images", 2, 2) in calls
    assert calls[-1] == ("write", 1, 1)


def test_sync_respects_the_request_budget(forum, make_client, fake_clock, target):
    client = make_client(requests_per_second=1.0)
    run_sync(forum, client, target)
    times = client.request_times
    assert len(times) == FULL_SYNC_REQUESTS
    assert all(later - earlier >= 1.0 - 1e-9 for earlier, later in pairwise(times))
    assert times[-1] - times[0] >= FULL_SYNC_REQUESTS - 1 - 1e-9


def test_output_is_deterministic(forum, make_client, tmp_path):
    run_sync(forum, make_client(), tmp_path / "a")
    run_sync(forum, make_client(), tmp_path / "b")
    assert tree_hashes(tmp_path / "a") == tree_hashes(tmp_path / "b")
    text = (tmp_path / "a" / "snapshot.json").read_text(encoding="utf-8")
    assert text.endswith("}\n") and '\n  "categories": [' in text
    assert "Événements" in text  # UTF-8, not \u escapes


# ------------------------------------------------------------------ incremental


def test_incremental_sync_refetches_only_changed_topics(forum, make_client, target, docs,
                                                        monkeypatch):
    run_sync(forum, make_client(), target)
    add_reply(docs, 103, "2026-11-21T09:00:00.000Z")
    update_lists(docs, 110, bumped_at="2026-11-21T10:00:00.000Z")  # bumped, no new post
    update_lists(docs, 105, views=999)  # views change without a bump
    monkeypatch.setenv("AGORA_NOW", "2026-11-27T08:00:00+01:00")  # a week: all slow parts due
    forum.log.clear()

    client = make_client()
    result = run_sync(forum, client, target)
    assert result.topics_fetched == [110, 103]
    assert sorted(result.topics_reused) == [101, 102, 104, 105, 106, 107, 108, 109, 111, 112]
    assert [h.path for h in forum.hits(r"/t/.*")] == ["/t/110.json", "/t/103.json"]
    assert result.avatars_downloaded == 0 and result.avatars_reused == 10
    assert result.images_downloaded == 0 and result.images_reused == 2
    # site 1 + latest page 0 + top 2 + 2 topics + about + directory + 5 profiles + events
    assert result.requests == client.request_count == 14
    assert len(forum.hits("/latest.json")) == 1
    assert result.refreshed == SLOW_PARTS

    snap = result.snapshot
    assert snap.topic(103)["replies"] == 8
    assert snap.topic(103)["best_replies"][0]["username"] == "margot.v"
    assert snap.topic(103)["fetched_at"] == "2026-11-27T08:00:00+01:00"
    assert snap.topic(107)["fetched_at"] == "2026-11-20T08:00:00+01:00"
    assert snap.topic(105)["views"] == 999
    assert [r["post_number"] for r in snap.topic(107)["best_replies"]] == [21, 22, 8]
    assert all(snap.file(p["avatar"]) for p in snap.topic(107)["participants"])
    assert [h["taken_at"] for h in snap.history] == ["2026-11-20T08:00:00+01:00",
                                                    "2026-11-27T08:00:00+01:00"]


def test_hourly_sync_reads_only_latest_about_and_changed_topics(forum, make_client, target,
                                                               docs, monkeypatch):
    first = run_sync(forum, make_client(), target).snapshot
    add_reply(docs, 103, "2026-11-20T07:30:00.000Z")
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T09:00:00+01:00")  # an hour later
    forum.log.clear()
    client = make_client()
    result = run_sync(forum, client, target)
    assert [h.path for h in forum.log] == ["/latest.json", "/t/103.json", "/about.json"]
    assert result.requests == client.request_count == 3
    assert result.refreshed == ["latest"]
    snap = result.snapshot
    raw = json.loads((target / "snapshot.json").read_text(encoding="utf-8"))
    assert raw["fetched_at"] == {**{key: "2026-11-20T08:00:00+01:00" for key in SLOW_PARTS},
                                 "latest": "2026-11-20T09:00:00+01:00"}
    # what was not read again is the previous snapshot's, unchanged
    for name in ("categories", "top", "directory", "users", "events",
                 "restricted_category_ids"):
        assert getattr(snap, name) == getattr(first, name), name
    assert [t["id"] for t in snap.latest] == [t["id"] for t in first.latest]
    assert snap.topic(103)["replies"] == 8 and snap.topic(112) == first.topic(112)
    # one stats point a day (the day's last), so hourly syncs keep a month of trends
    assert [h["taken_at"] for h in snap.history] == ["2026-11-20T09:00:00+01:00"]
    # hidden profiles stay known as hidden until the next check
    assert [w for w in result.warnings if w.startswith("user ")] == [
        "user nadia.k: profile hidden or missing on the forum at the last check (left out)"]


def test_history_keeps_the_last_point_of_each_day(forum, make_client, target):
    run_sync(forum, make_client(), target)
    raw = json.loads((target / "snapshot.json").read_text(encoding="utf-8"))
    start = datetime.fromisoformat("2026-11-10T00:30:00+01:00")
    raw["history"] = [{"taken_at": (start + timedelta(hours=n)).isoformat(), "users": n}
                      for n in range(24 * 10)]  # ten days of hourly syncs, before the thinning
    (target / "snapshot.json").write_text(json.dumps(raw), encoding="utf-8")
    history = run_sync(forum, make_client(), target).snapshot.history
    assert [h["taken_at"] for h in history] == [
        *(f"2026-11-{day}T23:30:00+01:00" for day in range(10, 20)),
        "2026-11-20T08:00:00+01:00"]


def test_slow_parts_are_read_again_once_older_than_the_interval(forum, make_client, target,
                                                                monkeypatch):
    run_sync(forum, make_client(), target, slow_refresh_hours=2)
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T09:59:00+01:00")  # 1 h 59 min: still fresh
    forum.log.clear()
    assert run_sync(forum, make_client(), target, slow_refresh_hours=2).requests == 2
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T10:00:00+01:00")  # 2 h: due
    forum.log.clear()
    client = make_client()
    result = run_sync(forum, client, target, slow_refresh_hours=2)
    # site + latest page 0 + top 2 + about + directory + 5 profiles + events
    assert result.requests == client.request_count == 12
    assert sorted({h.path for h in forum.log}) == [
        "/about.json", "/directory_items.json", "/discourse-post-event/events.json",
        "/latest.json", "/site.json", "/top.json", "/u/camille.r.json", "/u/hugo.l.json",
        "/u/nadia.k.json", "/u/sofia.m.json", "/u/yanis_b.json"]
    assert result.refreshed == SLOW_PARTS
    assert not forum.hits(r"/t/.*")  # no topic changed


def test_missing_events_plugin_is_remembered_and_probed_after_the_interval(
        forum, make_client, target, docs, monkeypatch):
    del docs["events"]
    assert run_sync(forum, make_client(), target).snapshot.events == []
    assert len(forum.hits("/discourse-post-event/events.json")) == 1
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T13:00:00+01:00")  # 5 h later
    assert run_sync(forum, make_client(), target).snapshot.events == []
    assert len(forum.hits("/discourse-post-event/events.json")) == 1  # not asked again
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T14:00:00+01:00")  # 6 h later
    docs["events"] = json.loads((FIXTURES / "demo" / "events.json").read_text("utf-8"))
    result = run_sync(forum, make_client(), target)
    assert len(forum.hits("/discourse-post-event/events.json")) == 2  # the plugin arrived
    assert [e["id"] for e in result.snapshot.events] == [31, 32, 33]


def test_latest_pages_stop_once_a_page_ends_before_the_previous_sync(
        forum, make_client, target, docs):
    first = run_sync(forum, make_client(), target).snapshot
    assert len(forum.hits("/latest.json")) == 2
    add_reply(docs, 103, "2026-11-21T09:00:00.000Z")
    forum.log.clear()
    second = run_sync(forum, make_client(), target).snapshot
    # page 0 ends with 109, bumped 2026-11-10, before the first sync: page 1 is not read
    assert [h.query for h in forum.hits("/latest.json")] == [{}]
    assert [t["id"] for t in second.latest] == [t["id"] for t in first.latest]
    assert second.latest[-1] == first.latest[-1]  # 111, from the first sync's page 1
    assert second.topic(104) == first.topic(104)

    update_lists(docs, 109, bumped_at="2026-11-21T10:00:00.000Z")  # page 0 now ends anew
    forum.log.clear()
    run_sync(forum, make_client(), target)
    assert [h.query for h in forum.hits("/latest.json")] == [{}, {"page": ["1"]}]


def test_a_new_category_makes_sync_read_the_categories_again(forum, make_client, target,
                                                             docs):
    run_sync(forum, make_client(), target)
    docs["site"]["categories"].append({**docs["site"]["categories"][1], "id": 12,
                                       "slug": "semences", "name": "Semences"})
    update_lists(docs, 105, category_id=12, bumped_at="2026-11-21T10:00:00.000Z")
    forum.log.clear()
    result = run_sync(forum, make_client(), target)
    assert len(forum.hits("/site.json")) == 1
    assert result.refreshed == ["latest", "site"]
    assert result.snapshot.category(12)["name"] == "Semences"


def test_changed_long_topic_costs_one_request_and_reranks_best_replies(
        forum, make_client, target, docs):
    run_sync(forum, make_client(), target)
    serre = docs["t-107"]["post_stream"]["posts"]
    serre[24]["actions_summary"] = [{"id": 2, "count": 13}]  # post 25, next to the new one
    serre[1]["actions_summary"] = [{"id": 2, "count": 100}]  # post 2: far from the end
    add_reply(docs, 107, "2026-11-21T09:00:00.000Z", likes=30)  # post 27
    forum.log.clear()
    client = make_client()
    result = run_sync(forum, client, target)
    assert [h.path for h in forum.hits(r"/t/.*")] == ["/t/107/27.json"]
    assert result.requests == client.request_count == 3  # + latest page 0 + about
    assert result.topics_fetched == [107]
    serre = result.snapshot.topic(107)
    assert [(r["post_number"], r["like_count"]) for r in serre["best_replies"]] == [
        (27, 30), (21, 15), (25, 13)]
    assert serre["best_replies"][0]["username"] == "margot.v"
    assert serre["best_replies"][0]["url"].endswith("/107/27")
    assert serre["posts_count"] == 26 and serre["replies"] == 25
    assert serre["highest_post_number"] == 27
    assert serre["participants"][0]["username"] == "lea_potager"  # details.participants
    assert serre["excerpt"].startswith("Le chantier de la serre commence !")  # kept
    assert serre["author"]["username"] == "hugo.l"
    assert all(result.snapshot.file(r["avatar"]) for r in serre["best_replies"])
    # the documented trade-off: post 2's new likes wait for a full sync
    assert 2 not in [r["post_number"] for r in serre["best_replies"]]
    forum.log.clear()
    client = make_client()
    full = run_sync(forum, client, target, full=True)
    assert [r["post_number"] for r in full.snapshot.topic(107)["best_replies"]] == [2, 27, 21]
    assert full.avatars_downloaded == 0 and full.images_downloaded == 0


def test_many_new_posts_in_a_long_topic_are_read_with_posts_json(forum, make_client, target,
                                                                 docs):
    run_sync(forum, make_client(), target)
    for n in range(18):
        add_reply(docs, 107, f"2026-11-21T09:{n:02d}:00.000Z", likes=n)  # posts 27-44
    forum.log.clear()
    result = run_sync(forum, make_client(), target)
    # /t/107/27.json gives posts 22-41; 42-44 come from posts.json
    assert [h.path for h in forum.hits(r"/t/.*")] == ["/t/107/27.json", "/t/107/posts.json"]
    assert forum.hits(r"/t/107/posts\.json")[0].query["post_ids[]"] == [
        "10742", "10743", "10744"]
    best = result.snapshot.topic(107)["best_replies"]
    # 42 has as many likes as the stored 21: the earlier post wins, as in a full read
    assert [(r["post_number"], r["like_count"]) for r in best] == [(44, 17), (43, 16), (21, 15)]


def test_full_sync_reads_everything_again(forum, make_client, target, monkeypatch):
    run_sync(forum, make_client(), target)
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T09:00:00+01:00")
    forum.log.clear()
    client = make_client()
    result = run_sync(forum, client, target, full=True)
    # every JSON document again; the 10 avatars and 2 images are files, reused by URL
    assert result.requests == client.request_count == FULL_SYNC_REQUESTS - 12
    assert sorted(result.topics_fetched) == list(range(101, 113))
    assert result.topics_reused == []
    assert result.refreshed == SLOW_PARTS
    assert len(forum.hits("/latest.json")) == 2
    assert (result.avatars_reused, result.images_reused) == (10, 2)


def test_linked_topic_outside_lists_is_fetched_once(forum, make_client, target, docs):
    remove_from_lists(docs, 105)
    first = run_sync(forum, make_client(), target)
    assert 105 in first.topics_fetched and first.snapshot.topic(105)["replies"] == 6
    add_reply(docs, 105, "2026-11-21T09:00:00.000Z")  # invisible to us: not in any list
    second = run_sync(forum, make_client(), target)
    assert 105 in second.topics_reused and 105 not in second.topics_fetched
    assert second.snapshot.topic(105)["replies"] == 6


def test_linked_topic_outside_lists_is_refreshed_after_the_interval(forum, make_client,
                                                                    target, docs,
                                                                    monkeypatch):
    remove_from_lists(docs, 105)
    run_sync(forum, make_client(), target)
    add_reply(docs, 105, "2026-11-20T10:00:00.000Z")
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T13:59:00+01:00")
    forum.log.clear()
    assert run_sync(forum, make_client(), target).snapshot.topic(105)["replies"] == 6
    assert not forum.hits(r"/t/.*")
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T14:00:00+01:00")  # its copy is 6 h old
    forum.log.clear()
    result = run_sync(forum, make_client(), target)
    assert [h.path for h in forum.hits(r"/t/.*")] == ["/t/105.json"]
    assert result.topics_fetched == [105]
    assert result.snapshot.topic(105)["replies"] == 7
    assert result.snapshot.topic(105)["fetched_at"] == "2026-11-20T14:00:00+01:00"
    forum.log.clear()
    run_sync(forum, make_client(), target)  # fresh again: not read at the next sync
    assert not forum.hits(r"/t/.*")


def test_images_are_downloaded_once_and_reused(forum, make_client, target, docs):
    first = run_sync(forum, make_client(), target)
    assert len(forum.hits(EMOJI)) == 1 and len(forum.hits(UPLOAD)) == 1
    files = sorted(p.name for p in (target / "images").iterdir())
    assert len(files) == 2 and first.images_downloaded == 2
    add_reply(docs, 103, "2026-11-21T09:00:00.000Z")  # 103 is read again: emoji and all
    forum.log.clear()
    second = run_sync(forum, make_client(), target)
    assert 103 in second.topics_fetched
    assert not forum.hits(EMOJI) and not forum.hits(UPLOAD)
    assert (second.images_downloaded, second.images_reused) == (0, 2)
    assert sorted(p.name for p in (target / "images").iterdir()) == files
    [emoji] = re.findall(r'<img src="snapshot:images/([0-9a-f]{16}\.png)"', "".join(
        r["cooked_html"] for r in first.snapshot.topic(103)["best_replies"]))
    assert emoji in files
    limaces = "".join(r["cooked_html"] for r in second.snapshot.topic(103)["best_replies"])
    assert re.findall(r'<img src="snapshot:images/([^"]+)"', limaces) == [emoji]


def test_svg_and_broken_images_are_left_out_with_their_alt_text(forum, make_client, target):
    forum.script(UPLOAD, Response('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
                                  "</script></svg>", content_type="image/svg+xml"))
    forum.break_path(EMOJI, 404)
    result = run_sync(forum, make_client(), target)
    planning = "".join(r["cooked_html"] for r in result.snapshot.topic(109)["best_replies"])
    assert "<img" not in planning and "<p>planning</p>" in planning
    limaces = "".join(r["cooked_html"] for r in result.snapshot.topic(103)["best_replies"])
    assert "<img" not in limaces and ":snail:" in limaces
    assert not (target / "images").exists()
    assert result.images_downloaded == 0
    [svg] = [w for w in result.warnings if UPLOAD in w]
    assert "expected an image (PNG, JPEG, GIF or WebP)" in svg and "another format" in svg
    assert [w for w in result.warnings if EMOJI in w] == [
        f"image {PUBLIC_URL}{EMOJI}?v=12: expected an image (PNG, JPEG, GIF or WebP) of at "
        "most 1000000 bytes, found HTTP 404 (missing or private) (left out, alt text kept; "
        "tried again at the next sync)"]


def test_images_on_private_addresses_and_beyond_the_cap_are_not_fetched(forum, make_client,
                                                                         target, docs):
    post = docs["t-109"]["post_stream"]["posts"][2]
    extra = "".join(f'<img src="/uploads/default/original/1X/p{n}.png" alt="p{n}">'
                    for n in range(12))
    post["cooked"] += ('<p><img src="http://169.254.169.254/latest/meta-data" alt="meta">'
                       f'<img src="http://localhost:8080/a.png" alt="local">{extra}</p>')
    result = run_sync(forum, make_client(), target)
    html = next(r["cooked_html"] for r in result.snapshot.topic(109)["best_replies"]
                if r["post_number"] == post["post_number"])
    assert "<p>metalocal<img" in html  # never fetched: alt text only
    assert [w for w in result.warnings if "public address" in w] == [
        f"image {url}: expected a public address, found a local or private one (left out, "
        "alt text kept)" for url in ("http://169.254.169.254/latest/meta-data",
                                     "http://localhost:8080/a.png")]
    # planning.png, the two refused ones and p0-p6 make 10 images: p7-p11 are left out
    assert re.findall(r'<img src="snapshot:images/[0-9a-f]{16}\.png" alt="(\w+)">', html) == [
        "planning", *(f"p{n}" for n in range(7))]
    assert html.endswith("p7p8p9p10p11</p>")
    assert [w for w in result.warnings if "images per post" in w] == [
        f"{PUBLIC_URL}/t/arrosage-pendant-les-vacances-organisation-des-tours/109/3: expected "
        "at most 10 images per post, found 15 (the rest left out, alt text kept)"]


@pytest.mark.parametrize("status", [404, 403])
def test_one_missing_or_private_topic_keeps_its_last_good_data(forum, make_client, target,
                                                               docs, status):
    run_sync(forum, make_client(), target)
    add_reply(docs, 105, "2026-11-21T09:00:00.000Z")
    docs["t-105"] = {"__status__": status, "errors": ["introuvable"],
                     "error_type": "not_found" if status == 404 else "invalid_access"}
    forum.log.clear()
    result = run_sync(forum, make_client(), target)
    kept = result.snapshot.topic(105)
    assert kept["replies"] == 6 and len(kept["best_replies"]) == 3
    assert [h.path for h in forum.hits(r"/t/.*")] == ["/t/105.json"]  # tried once, no retry
    assert result.topics_fetched == [] and 105 not in result.topics_reused
    [warning] = [w for w in result.warnings if w.startswith("topic 105:")]
    assert "/t/105.json: expected a topic" in warning and f"HTTP {status}" in warning
    assert warning.endswith("(kept the last synced version)")


def test_missing_topic_without_history_keeps_the_list_summary(forum, make_client, target,
                                                              docs):
    del docs["t-104"]
    result = run_sync(forum, make_client(), target, topic_ids=(103, 999))
    assert result.snapshot.topic(104)["title"] == "Quel compost pour des semis de tomates ?"
    assert result.snapshot.topic(104)["best_replies"] == []
    assert result.snapshot.topic(999) is None
    expected = "a topic (object with post_stream.posts and post_stream.stream)"
    assert [w for w in result.warnings if w.startswith("topic ")] == [
        f"topic 104: {forum.url}/t/104.json: expected {expected}, found HTTP 404 (missing or "
        "private) (kept the list summary only)",
        f"topic 999: {forum.url}/t/999.json: expected {expected}, found HTTP 404 (missing or "
        "private) (left it out)"]


# ------------------------------------------------------------------ atomicity & secrets


def test_failing_essential_endpoint_leaves_previous_snapshot_byte_identical(
        forum, make_client, target, monkeypatch):
    run_sync(forum, make_client(), target)
    before = tree_hashes(target)
    forum.break_path("/about.json", 500)
    monkeypatch.setenv("AGORA_NOW", "2026-11-27T08:00:00+01:00")
    with pytest.raises(ForumUnavailable) as caught:
        run_sync(forum, make_client(), target)
    assert "/about.json" in str(caught.value) and "HTTP 500" in str(caught.value)
    assert tree_hashes(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["forum"]  # no leftovers


def test_progress_callback_failure_leaves_previous_snapshot_byte_identical(
        forum, make_client, target, docs):
    run_sync(forum, make_client(), target)
    before = tree_hashes(target)
    add_reply(docs, 103, "2026-11-21T09:00:00.000Z")

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "avatars" and done == 3:
            raise KeyboardInterrupt("Ctrl-C")

    with pytest.raises(KeyboardInterrupt):
        run_sync(forum, make_client(), target, progress=interrupt)
    assert tree_hashes(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["forum"]


def test_failed_first_sync_creates_no_snapshot(forum, make_client, target):
    forum.break_path("/site.json", 503)
    with pytest.raises(ForumUnavailable):
        run_sync(forum, make_client(max_attempts=2), target)
    assert load_snapshot(target) is None
    assert not target.exists()


def test_interrupted_swap_is_recovered(forum, make_client, target):
    run_sync(forum, make_client(), target)
    before = tree_hashes(target)
    backup = target.parent / ".forum.previous"
    os.rename(target, backup)  # crash between "old -> backup" and "new -> target"
    (target.parent / ".forum.staging-abandoned").mkdir()
    readable = load_snapshot(target)  # readers fall back to the backup
    assert readable is not None and readable.topic(103) is not None
    assert readable.file(readable.topic(103)["author"]["avatar"]) is not None
    result = run_sync(forum, make_client(), target)
    assert result.avatars_reused == 10 and result.avatars_downloaded == 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["forum"]
    assert tree_hashes(target) == before


def test_extra_files_in_the_snapshot_folder_are_kept(forum, make_client, target):
    target.mkdir(parents=True)
    (target / "README.md").write_text("Written by agora sync.\n", encoding="utf-8")
    run_sync(forum, make_client(), target)
    assert (target / "README.md").read_text(encoding="utf-8") == "Written by agora sync.\n"


def test_credentials_are_sent_but_never_stored(forum, make_client, target, monkeypatch):
    monkeypatch.setenv("AGORA_DISCOURSE_API_KEY", SECRET)
    monkeypatch.setenv("AGORA_DISCOURSE_API_USERNAME", "robot_sync")
    run_sync(forum, make_client(), target)
    assert all(h.headers.get("Api-Key") == SECRET for h in forum.log)
    for path in target.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
            assert b"robot_sync" not in path.read_bytes(), path


def test_writer_discards_staging_when_nothing_written(tmp_path):
    target = tmp_path / "forum"
    with SnapshotWriter(target) as writer:
        (writer.staging / "avatars").mkdir()
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ reading snapshots


def test_load_snapshot_absent_is_none(tmp_path):
    assert load_snapshot(tmp_path / "nothing") is None
    (tmp_path / "empty").mkdir()
    assert load_snapshot(tmp_path / "empty") is None


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "expected valid JSON, found"),
    ('{"format": 2}', 'expected "format": 1, found "format": 2 (written by a newer Agora'),
    ('{"format": "1"}', 'found "format": "1" (not an Agora forum snapshot?)'),
    ("[1, 2]", "expected a JSON object, found a JSON list"),
])
def test_corrupt_snapshot_raises_a_clear_error(tmp_path, content, message):
    (tmp_path / "forum").mkdir()
    (tmp_path / "forum" / "snapshot.json").write_text(content, encoding="utf-8")
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(tmp_path / "forum")
    assert str(caught.value).startswith(str(tmp_path / "forum" / "snapshot.json") + ": ")
    assert message in str(caught.value)


def test_snapshot_fields_are_type_checked(tmp_path):
    data = json.loads((ROOT / "data" / "forum" / "snapshot.json").read_text(encoding="utf-8"))
    data["topics"] = []
    with pytest.raises(SnapshotError, match="field 'topics' to be a JSON object, found a JSON"):
        snapshot_from_dict(data, tmp_path)
    del data["topics"]
    with pytest.raises(SnapshotError, match="found nothing"):
        snapshot_from_dict(data, tmp_path)


def test_age_and_staleness(forum, make_client, target):
    snap = run_sync(forum, make_client(), target).snapshot
    later = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
    assert snap.age(later) == timedelta(days=3, hours=1)
    assert snap.is_stale(72, later) and not snap.is_stale(74, later)
    assert snap.file("../../etc/passwd") is None and snap.file(None) is None


# ------------------------------------------------------------------ the bundled demo


def test_bundled_demo_snapshot_is_reproducible(demo_tool, tmp_path):
    bundled = ROOT / "data" / "forum"
    result = demo_tool.build_demo(tmp_path / "forum")
    assert tree_hashes(tmp_path / "forum") == tree_hashes(bundled)
    snap = load_snapshot(bundled)
    assert snap is not None and snap.taken_at.isoformat() == "2026-11-20T08:00:00+01:00"
    assert sorted(snap.topics) == list(range(101, 113))
    assert len(snap.history) == 7 and snap.history[0]["taken_at"].startswith("2026-10-09")
    assert {"camille.r", "yanis_b", "sofia.m", "hugo.l"} <= {d["username"]
                                                            for d in snap.directory}
    assert all(len(snap.topic(t)["best_replies"]) >= 3 for t in LINKED)
    assert sum(p.stat().st_size for p in bundled.rglob("*") if p.is_file()) < 300_000
    assert result.requests < FULL_SYNC_REQUESTS  # the last demo sync was incremental
