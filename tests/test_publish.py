"""`make publish`: absolute URLs, valid feeds, no drafts, strict."""

from __future__ import annotations

import feedparser
import pytest

PUBLIC = "https://jardiniers-du-partage.example"


@pytest.fixture(scope="module")
def published(published_demo):
    return published_demo


def test_links_are_absolute(published):
    page = published.html("blog/astuce-semences/")
    nav = [a.get("href") for a in page.cssselect("header nav a")]
    assert nav and all(href.startswith(PUBLIC + "/") for href in nav)


def test_feed_parses_with_absolute_entry_links(published):
    feed = feedparser.parse((published.output / "feeds" / "all.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) >= 10
    assert all(entry.link.startswith(PUBLIC + "/blog/") for entry in feed.entries)


def test_feed_names_authors_as_their_member_profile(published):
    feed = feedparser.parse((published.output / "feeds" / "all.atom.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.endswith("/blog/astuce-semences/"))
    assert entry.author == "Sofia Martin"


def test_scheduled_posts_and_drafts_are_not_published(published):
    assert not (published.output / "drafts").exists()
    assert "astuce-planifier-saison" not in published.all_text()


def test_publish_is_clean_in_strict_mode(published):
    assert published.state.strict
    assert not published.state.log.errors
