"""Forum JSON in, snapshot records out (:mod:`agora.forum.schema`).

Everything here is a pure translation of what Discourse answered: no request,
no file. Text is cleaned (entities decoded, spaces collapsed) and bodies
sanitized; links are built with :class:`~agora.urls.ForumUrls` on the forum's
public URL. Avatars are not downloaded here: a person's ``avatar_source`` says
where from, and the files stage turns it into ``avatar``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agora.forum.sanitize import (
    absolute_url,
    avatar_url,
    clean_text,
    excerpt_from_cooked,
    normalise_tags,
    sanitize_cooked,
)
from agora.forum.schema import (
    Badge,
    Category,
    DirectoryEntry,
    Event,
    Participant,
    Person,
    Profile,
    Reply,
    Topic,
    TopicSummary,
)
from agora.urls import ForumUrls

#: Discourse ``post_type``: only regular posts are content (not whispers, small actions...).
REGULAR_POST = 1
#: Best replies kept per topic.
BEST_REPLIES = 3
#: Avatar size asked for, in pixels (the theme shows them at 24 to 48).
AVATAR_SIZE = 96
#: Participants kept per topic.
PARTICIPANTS = 12
#: Length of a topic's excerpt, in characters.
EXCERPT_LENGTH = 280
#: ``about.stats`` names -> ours (old and new Discourse versions).
STAT_NAMES = {"topic_count": "topics", "topics_count": "topics", "post_count": "posts",
              "posts_count": "posts", "user_count": "users", "users_count": "users",
              "like_count": "likes", "likes_count": "likes"}
#: Badge types when the profile does not name them (Discourse's own ids).
BADGE_TYPES = {1: "gold", 2: "silver", 3: "bronze"}

Json = dict[str, Any]  # a forum answer: arbitrary JSON


def count(value: Any) -> int:
    """A counter from forum JSON (0 when it is missing or not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value)


def likes(post: Mapping[str, Any]) -> int:
    """A post's likes: ``like_count``, or the like action (id 2) of older forums."""
    if isinstance(post.get("like_count"), int):
        return int(post["like_count"])
    for action in post.get("actions_summary") or []:
        if isinstance(action, dict) and action.get("id") == 2:
            return count(action.get("count"))
    return 0


def normalise_stats(raw: Mapping[str, Any] | None) -> dict[str, int]:
    """Counters from ``about.stats`` under one naming, whatever the Discourse version.

    Old forums say ``topic_count, post_count, user_count, like_count``; newer
    ones ``topics_count, posts_count, users_count, likes_count`` and
    ``participating_users_*`` for the active users. Both become ``topics,
    posts, users, likes, active_users_7_days, ...``; period counters
    (``posts_7_days``) keep their names.
    """
    stats: dict[str, int] = {}
    fallback: dict[str, int] = {}
    for key, value in (raw or {}).items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        name = STAT_NAMES.get(str(key), str(key))
        if name.startswith("participating_users_"):
            fallback[name.replace("participating_users_", "active_users_", 1)] = int(value)
            continue
        stats[name] = int(value)
    for name, value in fallback.items():
        stats.setdefault(name, value)
    return stats


def _regular(post: Mapping[str, Any]) -> bool:
    return post.get("post_type") == REGULAR_POST


@dataclass
class Records:
    """Builds records for one sync: the public forum URL, and the users lists named."""

    forum_url: str
    now: datetime
    #: Users of every topic list read (``posters[].user_id`` points into them).
    users_by_id: dict[Any, Json] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.urls = ForumUrls(self.forum_url)

    # -- people --------------------------------------------------------------------------

    def person(self, source: Mapping[str, Any] | None) -> Person | None:
        """``{username, name, avatar}``; the avatar is fetched later from ``avatar_source``."""
        if not source or not source.get("username"):
            return None
        person: Person = {"username": source["username"], "name": source.get("name") or "",
                          "avatar": None}
        template = avatar_url(source.get("avatar_template"), AVATAR_SIZE, self.forum_url)
        if template:
            person["avatar_source"] = template
        return person

    def directory_entry(self, item: Mapping[str, Any]) -> DirectoryEntry | None:
        user = item["user"] if isinstance(item.get("user"), dict) else item
        person = self.person(user)
        if person is None:
            return None
        return {**person, "title": user.get("title") or "",
                "likes_received": count(item.get("likes_received")),
                "likes_given": count(item.get("likes_given")),
                "post_count": count(item.get("post_count")),
                "topic_count": count(item.get("topic_count")),
                "days_visited": count(item.get("days_visited"))}

    def profile(self, data: Mapping[str, Any],
                directory: Mapping[str, DirectoryEntry]) -> Profile:
        user = data["user"]
        person = self.person(user) or {"username": user.get("username"), "name": "",
                                       "avatar": None}
        listed: Mapping[str, Any] = directory.get(str(person["username"]).lower(), {})
        badges = self.badges(data)
        return {
            **person,
            "title": user.get("title") or "",
            "created_at": user.get("created_at"),
            "last_seen_at": user.get("last_seen_at"),
            "last_posted_at": user.get("last_posted_at"),
            "trust_level": user.get("trust_level"),
            "badge_count": user.get("badge_count", len(badges)),
            "post_count": user.get("post_count", listed.get("post_count")),
            "likes_received": user.get("likes_received", listed.get("likes_received")),
            "bio_html": sanitize_cooked(user.get("bio_cooked"), self.forum_url),
            "badges": badges,
            "url": self.urls.user(str(person["username"])),
        }

    def badges(self, data: Mapping[str, Any]) -> list[Badge]:
        """The badges granted to a profile, with their type by name (gold, silver...)."""
        types: dict[Any, str] = {t.get("id"): str(t.get("name") or "").lower()
                 for t in data.get("badge_types") or [] if isinstance(t, dict)} or BADGE_TYPES
        by_id = {b.get("id"): b for b in data.get("badges") or [] if isinstance(b, dict)}
        badges: list[Badge] = []
        for granted in data.get("user_badges") or []:
            badge = by_id.get(granted.get("badge_id")) if isinstance(granted, dict) else None
            if badge and badge.get("name"):
                badges.append({"name": badge["name"],
                               "description": clean_text(badge.get("description")),
                               "badge_type": types.get(badge.get("badge_type_id"), ""),
                               "granted_at": granted.get("granted_at")})
        return badges

    # -- categories and events ---------------------------------------------------------

    def category(self, raw: Mapping[str, Any]) -> Category:
        category_id: Any = raw.get("id")
        return {
            "id": category_id, "name": clean_text(raw.get("name")), "slug": raw.get("slug"),
            "color": raw.get("color"), "text_color": raw.get("text_color"),
            "description": clean_text(raw.get("description_text")),
            "parent_category_id": raw.get("parent_category_id"),
            "position": raw.get("position"), "topic_count": raw.get("topic_count"),
            "post_count": raw.get("post_count"),
            "url": self.urls.category(str(raw.get("slug")), category_id),
        }

    def event(self, raw: Mapping[str, Any]) -> Event:
        post = raw["post"] if isinstance(raw.get("post"), dict) else {}
        topic = post["topic"] if isinstance(post.get("topic"), dict) else {}
        return {
            "id": raw.get("id"),
            "name": clean_text(raw.get("name")) or clean_text(topic.get("title")),
            "starts_at": raw.get("starts_at"), "ends_at": raw.get("ends_at"),
            "timezone": raw.get("timezone"), "category_id": raw.get("category_id"),
            "url": absolute_url(post.get("url"), self.forum_url),
            "topic_id": topic.get("id"), "topic_title": clean_text(topic.get("title")),
        }

    # -- topics --------------------------------------------------------------------------

    def summary(self, item: Mapping[str, Any]) -> TopicSummary:
        """A topic-list item (or a topic, merged with its list item) as lists show it."""
        posts_count = count(item.get("posts_count"))
        posters: list[str] = []
        for poster in item.get("posters") or []:
            user = self.users_by_id.get(poster.get("user_id")) if isinstance(poster, dict) else None
            if user and user.get("username") and user["username"] not in posters:
                posters.append(user["username"])
        return {
            "id": item["id"], "title": clean_text(item.get("title") or item.get("fancy_title")),
            "slug": item.get("slug"), "url": self.urls.topic(item["id"], item.get("slug")),
            "category_id": item.get("category_id"), "tags": normalise_tags(item.get("tags")),
            "posts_count": posts_count, "replies": max(0, posts_count - 1),
            "highest_post_number": item.get("highest_post_number"),
            "created_at": item.get("created_at"), "last_posted_at": item.get("last_posted_at"),
            "bumped_at": item.get("bumped_at"), "views": item.get("views"),
            "like_count": item.get("like_count"), "pinned": item.get("pinned"),
            "pinned_globally": item.get("pinned_globally"), "closed": item.get("closed"),
            "archived": item.get("archived"), "visible": item.get("visible", True) is not False,
            "excerpt": clean_text(item.get("excerpt")),
            "last_poster_username": item.get("last_poster_username"), "posters": posters,
        }

    def topic(self, topic_id: int, page: Mapping[str, Any],
              item: Mapping[str, Any] | None) -> Topic:
        """A topic from its page (``/t/{id}.json``, all posts read) and its list item."""
        merged: Json = {**page, "id": topic_id}
        for name in ("bumped_at", "pinned", "pinned_globally", "visible", "closed",
                     "archived", "last_poster_username", "posters", "excerpt"):
            if item is not None and name in item:
                merged[name] = item[name]
        if not merged.get("bumped_at"):
            merged["bumped_at"] = page.get("last_posted_at") or page.get("created_at")
        if not merged.get("tags") and item is not None:
            merged["tags"] = item.get("tags")
        summary = self.summary(merged)
        posts = [p for p in (page.get("post_stream") or {}).get("posts") or []
                 if isinstance(p, dict)]
        first = next((p for p in posts if p.get("post_number") == 1), None)
        if first is not None:
            summary["excerpt"] = excerpt_from_cooked(first.get("cooked"), EXCERPT_LENGTH)
        details = page.get("details") or {}
        return {**summary, "author": self.person(first or details.get("created_by")),
                "participants": self.participants(details, posts),
                "best_replies": self.best_replies(posts, summary["url"]),
                "fetched_at": self.now.isoformat()}

    def participants(self, details: Mapping[str, Any], posts: list[Json]) -> list[Participant]:
        """``details.participants``; without them, the authors of the posts read."""
        participants: list[Participant] = []
        for source in details.get("participants") or []:
            person = self.person(source)
            if person:
                participants.append({**person, "post_count": count(source.get("post_count"))})
        if not participants:
            counts: dict[str, int] = {}
            for post in posts:
                if _regular(post) and post.get("username"):
                    counts[post["username"]] = counts.get(post["username"], 0) + 1
            for post in posts:
                person = self.person(post)
                if person and post["username"] in counts and not any(
                        p["username"] == post["username"] for p in participants):
                    participants.append({**person, "post_count": counts[post["username"]]})
        return participants[:PARTICIPANTS]

    def best_replies(self, posts: list[Json], topic_url: str | None) -> list[Reply]:
        """The most liked visible regular posts after the first, earliest first on ties."""
        candidates = [
            p for p in posts
            if _regular(p) and (p.get("post_number") or 0) > 1 and not p.get("hidden")
            and not p.get("deleted_at") and not p.get("user_deleted") and likes(p) > 0
        ]
        candidates.sort(key=lambda p: (-likes(p), p.get("post_number") or 0))
        nobody: Person = {"username": "", "name": "", "avatar": None}
        return [{**(self.person(p) or nobody),
                 "cooked_html": sanitize_cooked(p.get("cooked"), self.forum_url),
                 "like_count": likes(p), "post_number": p.get("post_number"),
                 "created_at": p.get("created_at"),
                 "url": f"{topic_url}/{p.get('post_number')}"}
                for p in candidates[:BEST_REPLIES]]

    def bare_topic(self, item: Mapping[str, Any]) -> Topic:
        """A topic known only from a list (its page could not be read)."""
        return {**self.summary(item), "author": None, "participants": [], "best_replies": []}
