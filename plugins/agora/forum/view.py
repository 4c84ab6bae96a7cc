"""What templates know of the forum: one object built once per build from the snapshot.

Every lookup a page makes (``forum.thread(article.forum_topic)``, ``forum.hot(5)``)
is answered from indexes built here, so a build with thousands of pages reads
and sanitizes the snapshot once, never per page.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from agora.clock import instant_or_none
from agora.forum.sanitize import SNAPSHOT_SCHEME, localize_images, sanitize_cooked
from agora.forum.schema import Category, TopicSummary
from agora.forum.snapshot import IMAGES_DIR, Snapshot
from agora.hub import Hub
from agora.urls import ForumUrls

# A scheme no sanitized body can carry (nh3 drops unknown schemes from forum HTML).
SITE_ROOT_MARKER = "agora-site-root:"

TEXT_FIELDS = ("name", "username", "title", "description", "slug")


def _escaped(record: Mapping[str, Any]) -> dict[str, Any]:
    """Forum text as escaped markup: Pelican's Jinja environment does not autoescape."""
    return {k: escape(v) if k in TEXT_FIELDS and isinstance(v, str) else v
            for k, v in record.items()}


@dataclass
class Trend:
    """A counter now and its change over a period, for the community-health page."""

    label: str
    value: int
    change_7_days: int | None = None
    change_30_days: int | None = None


@dataclass
class ForumView:
    """The forum's slot of the hub model (``hub.forum``).

    It reads the hub lazily, as pages render, for the forum accounts the members
    capability withholds: profiles without consent never appear by name.
    """

    snapshot: Snapshot
    hub: Hub
    output_path: Path | str | None = None
    used_avatars: set[str] = field(default_factory=set)
    _threads: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.urls = ForumUrls(self.snapshot.forum_url)

    def shown(self, person: Mapping[str, Any] | None) -> bool:
        if not person:
            return False
        members = self.hub.members
        return members is None or members.shown_username(person.get("username"))

    # -- basics -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.urls.base

    @property
    def taken_at(self) -> datetime:
        return self.snapshot.taken_at

    @property
    def is_stale(self) -> bool:
        return self.snapshot.is_stale(self.hub.options.forum_max_age_hours, self.hub.now)

    def avatar(self, relative: str | None) -> str | None:
        """URL (relative to SITEURL) of a downloaded avatar; never the forum's own host."""
        if not relative:
            return None
        published = self.hub.urls.save_as("forum_file", path=relative)
        if relative in self.used_avatars:
            return published
        source = self.snapshot.file(relative)
        if source is None:
            return None
        # Publish only avatars some page shows, the first time one does.
        if self.output_path is not None:
            target = Path(self.output_path) / published
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        self.used_avatars.add(relative)
        return published

    #: Stands for the page's way to the site root in stored bodies; see ``site_urls``.
    site_root_marker = SITE_ROOT_MARKER

    def image_src(self, src: str) -> str | None:
        """Published URL of an image a stored body shows (``snapshot:images/<name>``).

        The file is copied into the output like an avatar (:meth:`avatar`). Bodies
        are inserted as they are, without ``{{ SITEURL }}`` in front, so the URL is
        root-relative (with the path of an absolute ``SITEURL``, for a site in a
        subfolder). Anything else -- a remote URL left in a hand-edited snapshot,
        a file that is not there -- gives None: :func:`localize_images` then drops
        the image and keeps its alt text. Nothing is hot-linked from the forum.
        """
        if not src.startswith(SNAPSHOT_SCHEME + IMAGES_DIR + "/"):
            return None
        published = self.avatar(src[len(SNAPSHOT_SCHEME):])
        if published is None:
            return None
        siteurl = str(self.hub.urls.settings.get("SITEURL") or "")
        if "://" not in siteurl:
            # Relative URLs (previews, output/ opened from disk): the way up to the site
            # root depends on the page the body lands on; the template puts it in.
            return SITE_ROOT_MARKER + published
        return f"{urlsplit(siteurl).path.rstrip('/')}/{published}"

    def topic_url(self, topic: Mapping[str, Any]) -> str:
        return str(topic.get("url") or self.urls.topic(topic["id"], topic.get("slug")))

    def category(self, category_id: int | None) -> Category | None:
        return self.snapshot.category(category_id)

    # -- threads --------------------------------------------------------------------------
    def thread(self, topic_id: Any, replies: int = 3) -> dict[str, Any] | None:
        """A linked topic, ready to render: counts, participants, best replies (sanitized)."""
        topic = self.snapshot.topic(topic_id) if topic_id is not None else None
        if topic is None:
            return None
        key = topic["id"]
        if key not in self._threads:
            category = self.category(topic.get("category_id"))
            posts_count = int(topic.get("posts_count") or 0)
            best = []
            shown_replies = [r for r in topic.get("best_replies") or [] if self.shown(r)]
            for reply in shown_replies[:replies]:
                # Sanitized at sync time, and again here: the snapshot is a file in git.
                html = localize_images(sanitize_cooked(reply.get("cooked_html"), self.url),
                                       self.image_src)
                best.append({**_escaped(reply), "html": Markup(html),
                             "avatar_url": self.avatar(reply.get("avatar")),
                             "created": instant_or_none(reply.get("created_at"))})
            participants = [{**_escaped(p), "avatar_url": self.avatar(p.get("avatar"))}
                            for p in (topic.get("participants") or []) if self.shown(p)]
            self._threads[key] = {
                "id": key,
                "title": escape(topic.get("title", "")),
                "url": self.topic_url(topic),
                "replies": max(0, posts_count - 1),
                "views": topic.get("views"),
                "likes": topic.get("like_count"),
                "participants": participants,
                "last_activity": instant_or_none(topic.get("last_posted_at")
                                               or topic.get("bumped_at")),
                "best_replies": best,
                "excerpt": escape(topic.get("excerpt") or ""),
                "category": _escaped(category) if category else None,
                "tags": [escape(tag) for tag in topic.get("tags") or []],
            }
        return self._threads[key]

    def hot(self, count: int = 5) -> list[dict[str, Any]]:
        return [t for t in (self.thread(topic["id"]) for topic in self.snapshot.hot(count)) if t]

    def ask_url(self, title: str = "", body: str = "", category: str | None = None,
                tags: list[str] | None = None) -> str:
        """A prefilled "ask the community" link opening a new topic on the forum."""
        return self.urls.new_topic(title, body, category, tags)

    # -- the /forum/ page -------------------------------------------------------------------
    def categories(self, per_category: int = 5) -> list[dict[str, Any]]:
        """Public categories (``AGORA_FORUM_CATEGORIES``, or all) with latest and top threads."""
        only = self.hub.options.forum_categories
        by_category: dict[int | None, list[TopicSummary]] = {}
        for summary in self.snapshot.latest:
            if summary.get("pinned_globally") or summary.get("visible") is False:
                continue
            by_category.setdefault(summary.get("category_id"), []).append(summary)
        result = []
        for category in self.snapshot.categories:
            if only and category.get("slug") not in only:
                continue
            lists: Mapping[str, Any] = self.snapshot.category_lists.get(
                str(category.get("slug")), {})
            latest_ids = lists.get("latest") or [t["id"] for t in
                                                 by_category.get(category.get("id"), [])]
            latest = [t for t in (self.thread(i) for i in latest_ids[:per_category]) if t]
            top_ids: list[int] = next(iter((lists.get("top") or {}).values()), [])
            top = [t for t in (self.thread(i) for i in top_ids[:per_category]) if t]
            if not latest and not top:
                continue
            result.append({**_escaped(category),
                           "latest": latest, "top": top,
                           "url": category.get("url") or
                           self.urls.category(str(category.get("slug")), category["id"])})
        return result

    def trends(self) -> list[Trend]:
        """Counters now, and their change over 7 and 30 days from the snapshot history."""
        stats = self.snapshot.stats
        points: list[tuple[Mapping[str, Any], datetime]] = [
            (p, moment) for p in self.snapshot.history
            if (moment := instant_or_none(p.get("taken_at"))) is not None]

        def change(key: str, days: int) -> int | None:
            target = self.snapshot.taken_at - timedelta(days=days)
            earlier = [(p, t) for p, t in points if t <= target + timedelta(hours=12)]
            if not earlier or key not in stats:
                return None
            previous = max(earlier, key=lambda item: item[1])[0]
            return int(stats[key]) - int(previous[key]) if key in previous else None

        labels = (("users", "Members"), ("topics", "Topics"), ("posts", "Posts"),
                  ("likes", "Likes"))
        trends = [Trend(label, int(stats[key]), change(key, 7), change(key, 30))
                  for key, label in labels if key in stats]
        for key, label in (("active_users_7_days", "Active members, last 7 days"),
                           ("active_users_30_days", "Active members, last 30 days")):
            if key in stats:
                trends.append(Trend(label, int(stats[key])))
        return trends

    def contributors(self, count: int = 8) -> list[dict[str, Any]]:
        """Top contributors of the month; members link to their profile, others to the forum."""
        members = self.hub.members.by_discourse if self.hub.members is not None else {}
        people = []
        for entry in [e for e in self.snapshot.directory if self.shown(e)][:count]:
            username = entry.get("username", "")
            member = members.get(username.lower())
            people.append({**_escaped(entry), "member": member,
                           "forum_url": self.urls.user(username),
                           "avatar_url": self.avatar(entry.get("avatar"))})
        return people
