"""Forum blocks rendered from a snapshot: right counts, sanitized HTML, graceful without data."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from agora.forum.snapshot import dump_json
from tests.conftest import REPO

FORUM = "https://forum.example.org"
HOSTILE = ('<p>Bonne idée <img src="/uploads/x.png" onerror="alert(1)">'
           '<a href="javascript:alert(2)">clic</a><script>alert(3)</script>'
           '<iframe src="https://evil.example"></iframe></p>')


def snapshot_dict(taken_at: str = "2026-11-20T08:00:00+01:00") -> dict:
    topic = {
        "id": 42, "title": "Comment démarrer <b>un compost</b> ?", "slug": "demarrer-compost",
        "url": f"{FORUM}/t/demarrer-compost/42", "category_id": 2, "tags": ["compost"],
        "posts_count": 5, "replies": 4, "highest_post_number": 5,
        "created_at": "2026-11-01T10:00:00Z", "last_posted_at": "2026-11-18T10:00:00Z",
        "bumped_at": "2026-11-18T10:00:00Z", "views": 120, "like_count": 9,
        "pinned": False, "pinned_globally": False, "closed": False, "archived": False,
        "visible": True, "excerpt": "Par où commencer ?",
        "participants": [{"username": "alice", "name": "Alice", "avatar": None, "post_count": 3},
                         {"username": "bob", "name": "Bob", "avatar": None, "post_count": 2}],
        "best_replies": [{"username": "bob", "name": "Bob", "avatar": None,
                          "cooked_html": HOSTILE, "like_count": 4, "post_number": 2,
                          "created_at": "2026-11-02T10:00:00Z", "url": f"{FORUM}/t/x/42/2"}],
    }
    welcome = {**topic, "id": 1, "title": "Bienvenue", "pinned_globally": True,
               "best_replies": [], "participants": []}
    return {
        "format": 1, "taken_at": taken_at, "forum_url": FORUM,
        "categories": [{"id": 2, "name": "Entraide", "slug": "entraide", "description": "",
                        "url": f"{FORUM}/c/entraide/2"}],
        "latest": [welcome, topic], "top": {"monthly": [42]}, "category_lists": {},
        "topics": {"1": welcome, "42": topic},
        "stats": {"users": 120, "topics": 30, "posts": 400, "likes": 900,
                  "active_users_7_days": 12, "active_users_30_days": 40},
        "directory": [{"username": "zoe", "name": "Zoé", "likes_received": 30, "post_count": 12,
                       "avatar": None}],
        "users": {}, "events": [],
        "history": [{"taken_at": "2026-11-13T08:00:00+01:00", "users": 110, "topics": 28,
                     "posts": 380, "likes": 850}],
    }


ARTICLES = {
    "articles/avec-sujet.md": """
        ---
        title: Avec un sujet du forum
        date: 2026-11-10T09:00
        forum_topic: 42
        ---
        Texte.
        """,
    "articles/sans-sujet.md": """
        ---
        title: Sans sujet
        date: 2026-11-11T09:00
        ---
        Texte.
        """,
}


def with_snapshot(tmp_path_factory, data: dict | None) -> Path:
    folder = tmp_path_factory.mktemp("snapshot")
    if data is not None:
        (folder / "snapshot.json").write_text(dump_json(data), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def forum_site(make_site, tmp_path_factory):
    folder = with_snapshot(tmp_path_factory, snapshot_dict())
    return make_site(ARTICLES, name="forum", AGORA_FORUM_URL=FORUM,
                     AGORA_FORUM_SNAPSHOT_DIR=str(folder))


def test_thread_block_shows_replies_as_posts_count_minus_one(forum_site):
    block = forum_site.html("blog/avec-sujet/").cssselect("section.forum-thread")[0]
    text = " ".join(block.text_content().split())
    assert "4 réponses" in text
    assert "2 participant·es" in text
    link = block.cssselect("a.button")[0]
    assert link.get("href") == f"{FORUM}/t/demarrer-compost/42"
    assert "Activité du forum au 20 novembre 2026" in text


def test_forum_html_is_sanitized_everywhere(forum_site):
    everything = forum_site.all_text()
    assert "alert(" not in everything
    assert not re.search(r"<(script|iframe)[^>]*>\s*alert", everything)
    assert "onerror" not in everything
    assert "javascript:" not in everything
    reply = forum_site.html("blog/avec-sujet/").cssselect("blockquote.forum-reply")[0]
    assert "Bonne idée" in reply.text_content()
    assert not reply.cssselect("script, iframe")
    for img in reply.cssselect("img"):
        assert img.get("src").startswith(FORUM + "/uploads/")


def test_titles_are_escaped_text(forum_site):
    hot = forum_site.text("")
    assert "Comment démarrer &lt;b&gt;un compost&lt;/b&gt; ?" in hot


def test_home_hot_list_leaves_out_global_pins(forum_site):
    titles = [a.text_content() for a in forum_site.html("").cssselect(
        "section[aria-labelledby=home-forum] li a")]
    assert titles == ["Comment démarrer <b>un compost</b> ?"]


def test_page_without_topic_gets_an_ask_link(forum_site):
    link = forum_site.html("blog/sans-sujet/").cssselect("section.forum-thread a")[0]
    assert link.get("href").startswith(f"{FORUM}/new-topic?title=Sans+sujet")


def test_forum_page_shows_stats_trends_and_contributors(forum_site):
    page = forum_site.html("forum/")
    rows = {r.cssselect("th")[0].text_content(): [c.text_content() for c in r.cssselect("td")]
            for r in page.cssselect("table.stats tbody tr")}
    assert rows["Membres"] == ["120", "+10", "—"]
    contributors = page.cssselect("ol.contributors li")[0]
    assert contributors.cssselect("a")[0].get("href") == f"{FORUM}/u/zoe"
    assert "Zoé" in contributors.text_content()


def test_no_snapshot_builds_with_one_warning_and_no_forum_blocks(make_site, tmp_path_factory):
    folder = with_snapshot(tmp_path_factory, None)
    site = make_site(ARTICLES, name="no-snapshot", AGORA_FORUM_URL=FORUM,
                     AGORA_FORUM_SNAPSHOT_DIR=str(folder))
    forum_warnings = [w for w in site.state.log.warnings if "forum" in w]
    assert len(forum_warnings) == 1 and "run `agora sync`" in forum_warnings[0]
    assert not site.html("blog/avec-sujet/").cssselect("section.forum-thread")
    assert site.path("forum/").exists()
    assert not site.state.log.errors


def test_stale_snapshot_warns(make_site, tmp_path_factory):
    folder = with_snapshot(tmp_path_factory, snapshot_dict("2026-11-01T08:00:00+01:00"))
    site = make_site(ARTICLES, name="stale", AGORA_FORUM_URL=FORUM,
                     AGORA_FORUM_SNAPSHOT_DIR=str(folder), AGORA_FORUM_MAX_AGE_HOURS=72)
    taken = datetime.fromisoformat("2026-11-01T08:00:00+01:00")
    hours = int((site.state.now - taken).total_seconds() // 3600)
    assert hours > 72
    assert any(f"younger than 72 hours, found {hours} hours old" in w
               for w in site.state.log.warnings), site.state.log.warnings


def test_linked_topic_missing_from_snapshot_warns(make_site, tmp_path_factory):
    data = snapshot_dict()
    del data["topics"]["42"]
    data["latest"] = data["latest"][:1]
    folder = with_snapshot(tmp_path_factory, data)
    site = make_site(ARTICLES, name="missing-topic", AGORA_FORUM_URL=FORUM,
                     AGORA_FORUM_SNAPSHOT_DIR=str(folder))
    assert any("forum_topic: expected a topic in the forum snapshot, found 42 missing" in w
               for w in site.state.log.warnings)


def test_corrupt_snapshot_is_an_error_naming_the_file(make_site, tmp_path_factory):
    folder = with_snapshot(tmp_path_factory, None)
    (folder / "snapshot.json").write_text('{"format": 1, "taken_at": ', encoding="utf-8")
    site = make_site(ARTICLES, name="corrupt", AGORA_FORUM_URL=FORUM,
                     AGORA_FORUM_SNAPSHOT_DIR=str(folder))
    assert any(f"{folder}/snapshot.json: forum snapshot: expected valid JSON" in e
               for e in site.state.log.errors)
    assert site.path("blog/avec-sujet/").exists()


def test_demo_snapshot_renders_offline_with_local_avatars_only(demo_site):
    report = json.loads((demo_site.output / "build.json").read_text())
    assert report["forum_snapshot"].startswith("2026-11-20")
    for file in demo_site.pages():
        for src in re.findall(r'<img[^>]+src="([^"]+)"', file.read_text(encoding="utf-8")):
            assert not src.startswith(("http:", "https:", "//")), f"{file}: hot-linked {src}"
    assert list((demo_site.output / "forum" / "avatars").iterdir())


def test_embed_comments_are_opt_in(make_site, tmp_path_factory):
    folder = with_snapshot(tmp_path_factory, snapshot_dict())
    files = dict(ARTICLES)
    files["articles/avec-commentaires.md"] = ARTICLES["articles/avec-sujet.md"].replace(
        "forum_topic: 42", "forum_topic: 42\n        forum_embed: true").replace(
        "Avec un sujet", "Avec commentaires")
    off = make_site(files, name="embed-off", AGORA_FORUM_URL=FORUM,
                    AGORA_FORUM_SNAPSHOT_DIR=str(folder))
    on = make_site(files, name="embed-on", AGORA_FORUM_URL=FORUM,
                   AGORA_FORUM_SNAPSHOT_DIR=str(folder), AGORA_FORUM_EMBED_COMMENTS=True)
    assert "embed.js" not in off.all_text()
    assert "embed.js" in on.text("blog/avec-commentaires/")
    assert "embed.js" not in on.text("blog/avec-sujet/")


def test_demo_snapshot_is_small():
    size = sum(p.stat().st_size for p in (REPO / "data" / "forum").rglob("*") if p.is_file())
    assert size < 400_000


def test_reply_images_resolve_from_the_page_with_relative_urls(demo_site):
    # previews and output/ opened from disk use relative URLs: no root-relative src
    page_url = "blog/astuce-semences/"
    images = demo_site.html(page_url).cssselect("blockquote.forum-reply img")
    assert images, "the demo thread shows a reply with an image"
    for img in images:
        src = img.get("src")
        assert not src.startswith(("/", "agora-site-root:", "http")), src
        assert (demo_site.output / page_url / src).resolve().is_file(), src
