"""``agora sync``: read the forum once, write a snapshot builds can use offline.

Why a separate step: a build must not depend on the forum being reachable, and
the forum must not be hammered by every preview build. Sync is all-or-nothing:
any failure raises and leaves the previous snapshot byte-identical (see
:mod:`agora.forum.snapshot`). The one tolerated failure is a single topic,
profile or image the forum refuses (404 / 403): its last good data is kept (an
image is left out, its alt text stays) and a warning recorded.

Economy -- the forum is somebody else's server, Discourse has no ETag or
conditional GET, and every request costs a second of the default budget. What
an incremental sync (the previous snapshot is of the same forum and ``full`` is
off) reads, and why:

* **Every sync**: ``/latest.json`` page 0 and ``/about.json``. The latest list is
  what tells which topics changed; the stats feed the health trends (the
  history keeps one point per day, the day's last, so hourly syncs still cover
  the 7- and 30-day comparisons).
* **Slowly changing parts, once older than ``slow_refresh_hours``** (setting
  ``AGORA_FORUM_SLOW_REFRESH_HOURS``, default 6): ``/site.json`` (categories
  rarely change), ``/top.json`` per period and the categories' top lists
  (Discourse recomputes top scores in a scheduled job, not on each reply),
  ``/directory_items.json`` (also recomputed by a scheduled job, see its
  ``meta.last_updated_at``), the calendar plugin's events (a forum without the
  plugin answers 404: that absence is remembered the same way and probed again
  after the interval) and member profiles. When each was last read is stored in
  the snapshot's ``fetched_at`` map. Two things force an earlier read of
  ``/site.json``: a configured category slug, or a topic in a list, whose
  category the snapshot does not know (a new category). A category's latest list
  is read again at once when one of its topics was bumped.
* **More /latest pages only while they can hold news**: Discourse orders
  ``/latest`` by ``bumped_at``, so once a page ends with a topic bumped before
  the previous sync read the list, nothing further down changed: the rest of
  the list is the previous snapshot's, minus the topics that moved up. (The
  comparison uses the instant the previous sync *started* -- not its end --
  minus ``LATEST_OVERLAP`` for clock differences between us and the forum.)
  Every bump since the last sync therefore shows up in what is read, which is
  what the topic decisions below rely on.
* **Topics**: one in a list is read again only when its ``bumped_at`` or
  ``highest_post_number`` changed (cheap fields like views are taken from the
  list). A changed topic of at most ``TOPIC_CHUNK`` (20) posts costs one
  ``/t/{id}.json``, which holds all its posts. A changed *long* topic costs one
  ``/t/{id}/{n}.json`` with ``n`` just after the known ``highest_post_number``:
  Discourse answers with the posts around ``n`` (so the new ones) and the whole
  ``post_stream.stream``; only when more than a chunk of posts arrived are the
  rest read with ``posts.json``. The new posts are merged into the stored topic:
  best replies are re-ranked by likes among the stored best replies and the
  posts just read, participants come from ``details.participants``, counts from
  the topic document. Trade-off: likes given to *older* posts that were not
  among the best replies and not in the chunk just read are not seen, so such a
  post can miss its place among the best replies until the next full sync
  (``agora sync --full``), which reads every post again. A topic the previous
  snapshot does not hold (an old one bumped back into the lists) has nothing to
  merge with: it is read whole, ``/t/{id}.json`` plus ``posts.json`` when long.
* **Topics linked from content that are in no list**: nothing says when they
  change (likes, edits, closing do not bump), so each is read again once its
  stored copy (``fetched_at`` on the topic) is older than the slow interval.
* **Files**: avatars and the images of kept post bodies are downloaded once and
  reused by URL from the previous snapshot.

``full=True`` (``agora sync --full``) reads every list, page and topic again as
if there were no previous snapshot; downloaded files are still reused by URL
(Discourse gives a changed avatar or upload a new URL).

Images: pages never hot-link the forum. The ``<img>`` of every kept body (best
replies, profile bios) is downloaded into ``images/`` (PNG, JPEG, GIF or WebP by
magic bytes, never SVG, under the avatar size cap; at most
``IMAGES_PER_POST`` per body) and its ``src`` rewritten to
``snapshot:images/<name>``; an image that cannot be stored is dropped, its alt
text kept. Images on other hosts than the forum are fetched without
credentials, and never from ``localhost`` or a loopback, private or link-local
IP address written in the URL (a post must not make the sync machine probe its
own network).

Privacy: categories the forum marks ``read_restricted`` (visible only with an
API key) and their topics are left out of the lists; a topic linked explicitly
from content (``topic_ids``) is kept, since an editor chose to show it.
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from agora import clock
from agora.clock import instant_or_none
from agora.forum.client import (
    IMAGE_SUFFIXES,
    TOPIC_CHUNK,
    DiscourseClient,
    ForumBadResponse,
    ForumError,
    ForumHTTPError,
    TopicList,
)
from agora.forum.sanitize import (
    SNAPSHOT_SCHEME,
    absolute_url,
    avatar_url,
    clean_text,
    excerpt_from_cooked,
    image_sources,
    localize_images,
    normalise_tags,
    sanitize_cooked,
)
from agora.forum.snapshot import (
    AVATARS_DIR,
    FORMAT,
    HISTORY_KEYS,
    HISTORY_LIMIT,
    IMAGES_DIR,
    Snapshot,
    SnapshotError,
    SnapshotWriter,
    load_snapshot,
    recover,
)

ProgressCallback = Callable[[str, int, int], None]

#: Fields copied from a topic-list item (or the topic) into a stored topic.
SUMMARY_FIELDS = ("title", "slug", "category_id", "posts_count", "highest_post_number",
                  "created_at", "last_posted_at", "bumped_at", "views", "like_count", "pinned",
                  "pinned_globally", "closed", "archived", "visible", "last_poster_username")
#: Fields that change without bumping a topic: refreshed from the lists on reuse.
CHEAP_FIELDS = ("title", "slug", "category_id", "views", "like_count", "pinned",
                "pinned_globally", "closed", "archived", "visible")
REGULAR_POST = 1
#: Default of ``slow_refresh_hours`` (setting ``AGORA_FORUM_SLOW_REFRESH_HOURS``).
SLOW_REFRESH_HOURS = 6.0
#: Margin for clock differences between us and the forum when deciding whether a
#: further ``/latest`` page can hold topics bumped since the previous sync.
LATEST_OVERLAP = timedelta(minutes=10)
#: Images downloaded per post body at most (the rest are dropped, alt text kept).
IMAGES_PER_POST = 10
#: Posts read for one topic at most (``/t/{id}.json`` plus ``posts.json``).
MAX_POSTS = 500
_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")


@dataclass
class SyncCounts:
    """What a sync did so far (counters and warnings)."""

    topics_fetched: list[int] = field(default_factory=list)
    topics_reused: list[int] = field(default_factory=list)
    avatars_downloaded: int = 0
    avatars_reused: int = 0
    images_downloaded: int = 0
    images_reused: int = 0
    refreshed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class SyncResult(SyncCounts):
    """What a sync did, for the CLI and for tests.

    ``refreshed`` lists the slowly changing parts read from the forum this time
    (keys of the snapshot's ``fetched_at``: ``site``, ``top:weekly``, ...); the
    others were kept from the previous snapshot.
    """

    snapshot_dir: Path
    snapshot: Snapshot
    requests: int = 0


# --------------------------------------------------------------------------- normalising


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
        name = str(key)
        for old, new in (("topic_count", "topics"), ("topics_count", "topics"),
                         ("post_count", "posts"), ("posts_count", "posts"),
                         ("user_count", "users"), ("users_count", "users"),
                         ("like_count", "likes"), ("likes_count", "likes")):
            if name == old:
                name = new
                break
        if name.startswith("participating_users_"):
            fallback[name.replace("participating_users_", "active_users_", 1)] = int(value)
            continue
        stats[name] = int(value)
    for name, value in fallback.items():
        stats.setdefault(name, value)
    return stats


def _likes(post: Mapping[str, Any]) -> int:
    if isinstance(post.get("like_count"), int):
        return post["like_count"]
    for action in post.get("actions_summary") or []:
        if isinstance(action, dict) and action.get("id") == 2:
            return int(action.get("count") or 0)
    return 0




def _is_long(topic: Mapping[str, Any] | None) -> bool:
    """Whether ``/t/{id}.json`` alone would not hold all the topic's posts."""
    return int((topic or {}).get("posts_count") or 0) > TOPIC_CHUNK


def _private_host(url: str) -> bool:
    """``localhost`` or an IP literal in a loopback, private, link-local... range."""
    host = (urlsplit(url).hostname or "").lower()
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


# --------------------------------------------------------------------------- the sync


class _Sync:
    """One sync run: holds what was fetched so far (never module-level state)."""

    def __init__(self, *, forum_url: str, client: DiscourseClient, writer: SnapshotWriter,
                 previous: Snapshot | None, progress: ProgressCallback | None,
                 result: SyncCounts, avatar_size: int, best_replies: int,
                 started: datetime, slow_refresh: timedelta, full: bool):
        self.base = forum_url
        self.client = client
        self.writer = writer
        self.previous = previous
        self.progress = progress
        self.result = result
        self.avatar_size = avatar_size
        self.best_replies = best_replies
        self.started = started
        self.slow_refresh = slow_refresh
        self.full = full
        self.users_by_id: dict[int, dict[str, Any]] = {}
        #: The new snapshot's ``fetched_at`` map (only the parts still wanted).
        self.fetched_at: dict[str, str] = {}
        self.images: dict[str, str | None] = {}

    # -- helpers ---------------------------------------------------------------------

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def warn(self, message: str) -> None:
        self.result.warnings.append(message)

    def person(self, source: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """``{username, name, avatar}`` with the avatar as a fetch URL, resolved later."""
        if not source or not source.get("username"):
            return None
        return {
            "username": source["username"],
            "name": source.get("name") or "",
            "avatar": avatar_url(source.get("avatar_template"), self.avatar_size,
                                 self.client.base_url),
        }

    def topic_url(self, slug: str | None, topic_id: int) -> str:
        return f"{self.base}/t/{slug or 'topic'}/{topic_id}"

    # -- what is due -----------------------------------------------------------------

    def expired(self, stamp: str | None) -> bool:
        """Whether something read at ``stamp`` must be read again now."""
        if self.full or self.previous is None:
            return True
        moment = instant_or_none(stamp)
        if moment is None:
            return True
        age = self.started - moment
        return age < timedelta(0) or age >= self.slow_refresh  # a clock set back: re-read

    def due(self, key: str) -> bool:
        """Whether the slowly changing part ``key`` must be read from the forum now."""
        return self.expired(self.previous.fetched_at.get(key) if self.previous else None)

    def mark(self, key: str) -> None:
        """``key`` was just read from the forum."""
        self.fetched_at[key] = self.started.isoformat()
        self.result.refreshed.append(key)

    def keep(self, key: str) -> None:
        """``key`` is kept from the previous snapshot, with its reading time."""
        if self.previous is not None and key in self.previous.fetched_at:
            self.fetched_at[key] = self.previous.fetched_at[key]

    def latest_since(self) -> datetime | None:
        """Topics bumped after this instant may be news (None: everything may be)."""
        if self.full or self.previous is None:
            return None
        read = (instant_or_none(self.previous.fetched_at.get("latest"))
                or self.previous.taken_at)
        return read - LATEST_OVERLAP

    # -- lists -----------------------------------------------------------------------

    def summary(self, item: Mapping[str, Any]) -> dict[str, Any]:
        record: dict[str, Any] = {"id": item["id"]}
        for name in SUMMARY_FIELDS:
            record[name] = item.get(name)
        record["title"] = clean_text(item.get("title") or item.get("fancy_title"))
        record["tags"] = normalise_tags(item.get("tags"))
        record["posts_count"] = int(item.get("posts_count") or 0)
        record["replies"] = max(0, record["posts_count"] - 1)
        record["visible"] = item.get("visible", True) is not False
        record["excerpt"] = clean_text(item.get("excerpt"))
        record["url"] = self.topic_url(item.get("slug"), item["id"])
        posters = []
        for poster in item.get("posters") or []:
            user = self.users_by_id.get(poster.get("user_id")) if isinstance(poster, dict) else None
            if user and user.get("username") and user["username"] not in posters:
                posters.append(user["username"])
        record["posters"] = posters
        return record

    def collect(self, listing: TopicList, restricted: set[int], linked: set[int]
                ) -> list[dict[str, Any]]:
        self.users_by_id.update(listing.users)
        items = []
        for item in listing.topics:
            if not isinstance(item.get("id"), int):
                continue
            if item.get("category_id") in restricted and item["id"] not in linked:
                continue
            items.append(item)
        return items

    # -- topics ----------------------------------------------------------------------

    def topic_record(self, topic_id: int, full: Mapping[str, Any],
                     item: Mapping[str, Any] | None) -> dict[str, Any]:
        merged: dict[str, Any] = {**full, "id": topic_id}
        for name in ("bumped_at", "pinned", "pinned_globally", "visible", "closed",
                     "archived", "last_poster_username", "posters", "excerpt"):
            if item is not None and name in item:
                merged[name] = item[name]
        if not merged.get("bumped_at"):
            merged["bumped_at"] = full.get("last_posted_at") or full.get("created_at")
        if not merged.get("tags") and item is not None:
            merged["tags"] = item.get("tags")
        record = self.summary(merged)
        posts = [p for p in (full.get("post_stream") or {}).get("posts") or []
                 if isinstance(p, dict)]
        first = next((p for p in posts if p.get("post_number") == 1), None)
        if first is not None:
            record["excerpt"] = excerpt_from_cooked(first.get("cooked"), 280)
        details = full.get("details") or {}
        record["author"] = self.person(first or details.get("created_by"))
        participants = []
        for source in details.get("participants") or []:
            person = self.person(source)
            if person:
                person["post_count"] = int(source.get("post_count") or 0)
                participants.append(person)
        if not participants:
            counts: dict[str, int] = {}
            for post in posts:
                if post.get("post_type") == REGULAR_POST and post.get("username"):
                    counts[post["username"]] = counts.get(post["username"], 0) + 1
            for post in posts:
                name = post.get("username")
                if name in counts and not any(p["username"] == name for p in participants):
                    participants.append({**(self.person(post) or {}), "post_count": counts[name]})
        record["participants"] = participants[:12]
        candidates = [
            p for p in posts
            if p.get("post_type") == REGULAR_POST and (p.get("post_number") or 0) > 1
            and not p.get("hidden") and not p.get("deleted_at") and not p.get("user_deleted")
            and _likes(p) > 0
        ]
        candidates.sort(key=lambda p: (-_likes(p), p.get("post_number") or 0))
        record["best_replies"] = [
            {
                **(self.person(p) or {"username": "", "name": "", "avatar": None}),
                "cooked_html": sanitize_cooked(p.get("cooked"), self.base),
                "like_count": _likes(p),
                "post_number": p.get("post_number"),
                "created_at": p.get("created_at"),
                "url": f"{record['url']}/{p.get('post_number')}",
            }
            for p in candidates[: self.best_replies]
        ]
        record["fetched_at"] = self.started.isoformat()
        return record

    def bare_record(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """A topic known only from a list (its page could not be read)."""
        record = self.summary(item)
        record.update(author=None, participants=[], best_replies=[])
        return record

    def partial_record(self, topic_id: int, old: Mapping[str, Any],
                       item: Mapping[str, Any] | None) -> dict[str, Any]:
        """A known long topic brought up to date from the posts after its known end.

        One ``/t/{id}/{n}.json`` (``n`` = known ``highest_post_number`` + 1) gives
        the counts, the participants and the posts around ``n``; posts beyond that
        chunk (more than ~15 new ones) are read with ``posts.json``. The new posts
        are then merged into the stored topic (see the module docstring).
        """
        after = int(old.get("highest_post_number") or 0)
        data = self.client.topic_near(topic_id, after + 1)
        stream_obj = data["post_stream"]
        chunk = [p for p in stream_obj["posts"] if isinstance(p, dict) and "id" in p]
        stream = [i for i in stream_obj.get("stream") or [] if isinstance(i, int)][:MAX_POSTS]
        position = {post_id: n for n, post_id in enumerate(stream)}
        seen = [position[p["id"]] for p in chunk if p["id"] in position]
        if seen:
            have = {p["id"] for p in chunk}
            missing = [i for i in stream[max(seen) + 1:] if i not in have]
            chunk += self.client.posts(topic_id, missing)
        fresh = self.topic_record(topic_id, {**data, "post_stream": {"posts": chunk}}, item)
        read = {p.get("post_number") for p in chunk}
        if 1 not in read:  # the first post was not read: keep what was known of it
            fresh["excerpt"] = old.get("excerpt") or fresh["excerpt"]
            fresh["author"] = fresh["author"] or copy.deepcopy(old.get("author"))
        if not (data.get("details") or {}).get("participants"):
            fresh["participants"] = copy.deepcopy(old.get("participants") or [])
        # Best replies: the stored ones, unless re-read just now, and the posts read.
        kept = [copy.deepcopy(r) for r in old.get("best_replies") or []
                if r.get("post_number") not in read]
        ranked = sorted([*kept, *fresh["best_replies"]],
                        key=lambda r: (-(r.get("like_count") or 0), r.get("post_number") or 0))
        for reply in ranked:
            reply["url"] = f"{fresh['url']}/{reply.get('post_number')}"
        fresh["best_replies"] = ranked[: self.best_replies]
        return fresh

    def topic_mode(self, topic_id: int, item: Mapping[str, Any] | None,
                   old: Mapping[str, Any] | None, listed: set[int]) -> str:
        """``reuse``, ``full`` (every post) or ``partial`` (posts after the known end)."""
        if old is None or self.full:
            return "full"
        if item is not None:
            changed = (item.get("bumped_at") != old.get("bumped_at")
                       or item.get("highest_post_number") != old.get("highest_post_number"))
            if not changed:
                return "reuse"
            return "partial" if _is_long(item) and old.get("highest_post_number") else "full"
        if topic_id in listed or not self.expired(old.get("fetched_at")):
            # In a list kept from the previous snapshot: a bump would have put it in
            # the /latest pages just read. Linked only and read recently: kept.
            return "reuse"
        return "partial" if _is_long(old) and old.get("highest_post_number") else "full"

    def fetch_topics(self, wanted: list[int], items: Mapping[int, Mapping[str, Any]],
                     listed: set[int]) -> dict[int, dict[str, Any]]:
        stored = self.previous.topics if self.previous else {}
        topics: dict[int, dict[str, Any]] = {}
        self.report("topics", 0, len(wanted))
        for done, topic_id in enumerate(wanted, start=1):
            item = items.get(topic_id)
            old = stored.get(topic_id)
            mode = self.topic_mode(topic_id, item, old, listed)
            if mode == "reuse" and old is not None:
                record = copy.deepcopy(old)
                if item is not None:
                    fresh = self.summary(item)
                    record.update({k: fresh[k] for k in (*CHEAP_FIELDS, "tags", "url")})
                topics[topic_id] = record
                self.result.topics_reused.append(topic_id)
            else:
                try:
                    if mode == "partial" and old is not None:
                        topics[topic_id] = self.partial_record(topic_id, old, item)
                    else:
                        full = self.client.topic(topic_id, max_posts=MAX_POSTS)
                        topics[topic_id] = self.topic_record(topic_id, full, item)
                    self.result.topics_fetched.append(topic_id)
                except (ForumHTTPError, ForumBadResponse) as exc:
                    kept = "kept the last synced version" if old else "left it out"
                    if old is not None:
                        topics[topic_id] = copy.deepcopy(old)
                    elif item is not None:
                        topics[topic_id] = self.bare_record(item)
                        kept = "kept the list summary only"
                    self.warn(f"topic {topic_id}: {exc} ({kept})")
            self.report("topics", done, len(wanted))
        return topics

    # -- people ----------------------------------------------------------------------

    def directory_record(self, item: Mapping[str, Any]) -> dict[str, Any] | None:
        user = item.get("user") if isinstance(item.get("user"), dict) else item
        person = self.person(user)
        if person is None:
            return None
        person["title"] = user.get("title") or ""
        for name in ("likes_received", "likes_given", "post_count", "topic_count",
                     "days_visited"):
            person[name] = int(item.get(name) or 0)
        return person

    def profile_record(self, data: Mapping[str, Any],
                       directory: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        user = data["user"]
        person = self.person(user) or {"username": user.get("username"), "name": "",
                                       "avatar": None}
        from_directory = directory.get(str(person["username"]).lower(), {})
        badge_types = {t.get("id"): str(t.get("name") or "").lower()
                       for t in data.get("badge_types") or [] if isinstance(t, dict)}
        badge_types = badge_types or {1: "gold", 2: "silver", 3: "bronze"}
        badges_by_id = {b.get("id"): b for b in data.get("badges") or [] if isinstance(b, dict)}
        badges = []
        for granted in data.get("user_badges") or []:
            badge = badges_by_id.get(granted.get("badge_id")) if isinstance(granted, dict) else None
            if badge and badge.get("name"):
                badges.append({
                    "name": badge["name"],
                    "description": clean_text(badge.get("description")),
                    "badge_type": badge_types.get(badge.get("badge_type_id"), ""),
                    "granted_at": granted.get("granted_at"),
                })
        person.update(
            title=user.get("title") or "",
            created_at=user.get("created_at"),
            last_seen_at=user.get("last_seen_at"),
            last_posted_at=user.get("last_posted_at"),
            trust_level=user.get("trust_level"),
            badge_count=user.get("badge_count", len(badges)),
            post_count=user.get("post_count", from_directory.get("post_count")),
            likes_received=user.get("likes_received", from_directory.get("likes_received")),
            bio_html=sanitize_cooked(user.get("bio_cooked"), self.base),
            badges=badges,
            url=f"{self.base}/u/{person['username']}",
        )
        return person

    def events_record(self, event: Mapping[str, Any]) -> dict[str, Any]:
        post = event.get("post") if isinstance(event.get("post"), dict) else {}
        topic = post.get("topic") if isinstance(post.get("topic"), dict) else {}
        return {
            "id": event.get("id"),
            "name": clean_text(event.get("name")) or clean_text(topic.get("title")),
            "starts_at": event.get("starts_at"),
            "ends_at": event.get("ends_at"),
            "timezone": event.get("timezone"),
            "category_id": event.get("category_id"),
            "url": absolute_url(post.get("url"), self.base),
            "topic_id": topic.get("id"),
            "topic_title": clean_text(topic.get("title")),
        }

    # -- avatars ---------------------------------------------------------------------

    def avatar_stem(self, username: str, url: str) -> str:
        """Stable file name: the username plus a hash of the URL path (not the host,
        so a mirror or a test server yields the same names)."""
        parts = urlsplit(url)
        digest = hashlib.sha1((parts.path + "?" + parts.query).encode()).hexdigest()[:10]
        safe = _SAFE_NAME.sub("-", username.lower()).strip("-.") or "user"
        return f"{AVATARS_DIR}/{safe}-{digest}"

    def resolve_avatars(self, people: list[dict[str, Any]]) -> None:
        """Replace every person's avatar URL by a local file (downloaded once, or reused)."""
        resolved: dict[str, str | None] = {}
        pending = sorted({p["avatar"] for p in people
                          if isinstance(p.get("avatar"), str) and p["avatar"]})
        owners = {p["avatar"]: p["username"] for p in people if p.get("avatar")}
        self.report("avatars", 0, len(pending))
        for done, ref in enumerate(pending, start=1):
            resolved[ref] = self.resolve_avatar(owners[ref], ref)
            self.report("avatars", done, len(pending))
        for person in people:
            if person.get("avatar"):
                person["avatar"] = resolved.get(person["avatar"])

    def resolve_avatar(self, username: str, ref: str) -> str | None:
        if not ref.startswith(("http://", "https://")):  # a stored local path
            return ref if self.copy_previous(ref) else None
        stem = self.avatar_stem(username, ref)
        for suffix in IMAGE_SUFFIXES:
            if self.copy_previous(stem + suffix):
                return stem + suffix
        try:
            path = self.client.download(ref, self.writer.staging / (stem + ".png"))
        except (ForumHTTPError, ForumBadResponse) as exc:
            self.warn(f"avatar of {username}: {exc}")
            return None
        self.result.avatars_downloaded += 1
        return path.relative_to(self.writer.staging).as_posix()

    def copy_previous(self, relative: str) -> bool:
        """Whether ``relative`` is in the new snapshot, copied from the previous one if need be."""
        destination = self.writer.staging / relative
        if destination.is_file():
            return True
        source = self.writer.previous_file(relative)
        if source is None:
            return False
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(source.read_bytes())
        if relative.startswith(IMAGES_DIR + "/"):
            self.result.images_reused += 1
        else:
            self.result.avatars_reused += 1
        return True

    # -- images ----------------------------------------------------------------------

    def fetch_url(self, url: str) -> str:
        """Where to download a forum URL from: the client's base may differ from the
        public one (a mirror, a test server); other hosts are read as they are."""
        if url.startswith(self.base + "/"):
            return self.client.base_url + url[len(self.base):]
        if _origin(url) == _origin(self.base):
            client = urlsplit(self.client.base_url)
            parts = urlsplit(url)
            return urlunsplit((client.scheme, client.netloc, parts.path, parts.query, ""))
        return url

    def image_stem(self, url: str) -> str:
        """``images/<hash>``: a forum image is named by its path (the host may be a
        mirror), an image elsewhere by its whole URL."""
        parts = urlsplit(url)
        key = (parts.path + "?" + parts.query
               if _origin(url) in (_origin(self.base), _origin(self.client.base_url))
               else url)
        return f"{IMAGES_DIR}/{hashlib.sha1(key.encode()).hexdigest()[:16]}"

    def resolve_image(self, src: str) -> str | None:
        """``snapshot:images/<name>`` for an image of a kept body; None to drop it."""
        if src in self.images:
            return self.images[src]
        resolved: str | None = None
        if src.startswith(SNAPSHOT_SCHEME):  # stored by an earlier sync
            relative = src[len(SNAPSHOT_SCHEME):]
            if self.copy_previous(relative):
                resolved = src
            else:
                self.warn(f"image {relative}: expected in the previous snapshot, found "
                          "nothing (left out)")
        elif src.startswith(("http://", "https://")):
            resolved = self.download_image(src)
        self.images[src] = resolved
        return resolved

    def download_image(self, url: str) -> str | None:
        forum = _origin(url) in (_origin(self.base), _origin(self.client.base_url))
        if not forum and _private_host(url):
            self.warn(f"image {url}: expected a public address, found a local or private "
                      "one (left out)")
            return None
        stem = self.image_stem(url)
        for suffix in IMAGE_SUFFIXES:
            if self.copy_previous(stem + suffix):
                return SNAPSHOT_SCHEME + stem + suffix
        try:
            path = self.client.download(self.fetch_url(url),
                                        self.writer.staging / (stem + ".png"))
        except ForumError as exc:
            self.warn(f"image {url}: {exc} (left out, alt text kept)")
            return None
        self.result.images_downloaded += 1
        return SNAPSHOT_SCHEME + path.relative_to(self.writer.staging).as_posix()

    def localize_bodies(self, data: Mapping[str, Any]) -> None:
        """Store the images of every kept body in the snapshot; rewrite their ``src``."""
        holders: list[tuple[dict[str, Any], str]] = []
        for topic in data["topics"].values():
            holders += [(reply, "cooked_html") for reply in topic.get("best_replies") or []
                        if isinstance(reply, dict) and reply.get("cooked_html")]
        holders += [(user, "bio_html") for user in data["users"].values()
                    if isinstance(user, dict) and user.get("bio_html")]
        sources = list(dict.fromkeys(src for holder, key in holders
                                     for src in image_sources(holder[key])))
        self.report("images", 0, len(sources))
        for holder, key in holders:
            remote = [0]

            def resolve(src: str, remote: list[int] = remote) -> str | None:
                if not src.startswith(SNAPSHOT_SCHEME):
                    remote[0] += 1
                    if remote[0] > IMAGES_PER_POST:
                        return None
                resolved = self.resolve_image(src)
                self.report("images", len(self.images), len(sources))
                return resolved

            holder[key] = localize_images(holder[key], resolve)
            if remote[0] > IMAGES_PER_POST:
                where = holder.get("url") or f"profile of {holder.get('username')}"
                self.warn(f"{where}: expected at most {IMAGES_PER_POST} images per post, found "
                          f"{remote[0]} (the rest left out, alt text kept)")


def _people(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    for topic in data["topics"].values():
        people.extend(p for p in [topic.get("author")] if p)
        people.extend(topic.get("participants") or [])
        people.extend(topic.get("best_replies") or [])
    people.extend(data["directory"])
    people.extend(data["users"].values())
    unique = {id(p): p for p in people if isinstance(p, dict) and p.get("username")}
    return list(unique.values())


def sync(
    forum_url: str,
    snapshot_dir: str | Path,
    *,
    topic_ids: Iterable[int | str] = (),
    usernames: Iterable[str] = (),
    categories: Iterable[str] = (),
    top_periods: Iterable[str] = ("weekly", "monthly"),
    requests_per_second: float = 1.0,
    timeout: float = 20,
    progress: ProgressCallback | None = None,
    client: DiscourseClient | None = None,
    latest_pages: int = 2,
    best_replies: int = 3,
    directory_limit: int = 20,
    avatar_size: int = 96,
    slow_refresh_hours: float = SLOW_REFRESH_HOURS,
    full: bool = False,
) -> SyncResult:
    """Fetch the forum and atomically replace the snapshot in ``snapshot_dir``.

    ``forum_url`` is the public base every stored link points to; ``client``
    (optional) may read from elsewhere, e.g. a local test server. ``progress``
    is called as ``progress(stage, done, total)``; an exception it raises aborts
    the sync like any other failure: the previous snapshot stays as it was.
    Slowly changing parts are read again only when older than
    ``slow_refresh_hours``; ``full`` reads everything again (module docstring).
    """
    base = forum_url.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"forum URL: expected an http(s) URL like https://forum.example.org, "
                         f"found {forum_url!r}")
    if isinstance(slow_refresh_hours, bool) or not slow_refresh_hours >= 0:
        raise ValueError(f"slow_refresh_hours: expected a number of 0 or more, "
                         f"found {slow_refresh_hours!r}")
    target = Path(snapshot_dir)
    linked = [int(t) for t in topic_ids]
    periods = [p for p in dict.fromkeys(top_periods) if p]
    wanted_users = list(dict.fromkeys(u for u in usernames if u))
    wanted_categories = list(dict.fromkeys(c for c in categories if c))
    started = clock.now()

    warnings: list[str] = []
    recover(target)
    try:
        previous = load_snapshot(target)
    except SnapshotError as exc:
        warnings.append(f"previous snapshot unreadable, doing a full sync: {exc}")
        previous = None
    if previous is not None and previous.forum_url.rstrip("/") != base:
        warnings.append(f"previous snapshot is of {previous.forum_url}: doing a full sync")
        previous = None

    own_client = client is None
    if client is None:
        client = DiscourseClient(base, requests_per_second=requests_per_second,
                                 timeout=timeout)
    first_request = client.request_count
    try:
        with SnapshotWriter(target) as writer:
            tally = SyncCounts(warnings=warnings)
            run = _Sync(forum_url=base, client=client, writer=writer, previous=previous,
                        progress=progress, result=tally, avatar_size=avatar_size,
                        best_replies=best_replies, started=started,
                        slow_refresh=timedelta(hours=slow_refresh_hours), full=full)
            data = _run(run, linked=linked, periods=periods, users=wanted_users,
                        categories=wanted_categories, latest_pages=latest_pages,
                        directory_limit=directory_limit)
            run.report("write", 0, 1)
            snapshot = writer.write(data)
            run.report("write", 1, 1)
    finally:
        if own_client:
            client.close()
    return SyncResult(snapshot_dir=target, snapshot=snapshot,
                      requests=client.request_count - first_request, **vars(tally))


@dataclass
class _Site:
    """Categories as the snapshot stores them, and the ids of the private ones."""

    categories: list[dict[str, Any]]
    restricted: set[int]

    @property
    def known(self) -> set[Any]:
        return {c.get("id") for c in self.categories} | self.restricted

    @property
    def by_slug(self) -> dict[str, dict[str, Any]]:
        return {c["slug"]: c for c in self.categories}


def _read_site(run: _Sync) -> _Site:
    run.report("site", 0, 1)
    site = run.client.site()
    run.mark("site")
    run.report("site", 1, 1)
    raw_categories = [c for c in site.get("categories") or [] if isinstance(c, dict)]
    restricted = {c.get("id") for c in raw_categories
                  if c.get("read_restricted") and isinstance(c.get("id"), int)}
    public = sorted((c for c in raw_categories if not c.get("read_restricted")),
                    key=lambda c: (c.get("position") or 0, c.get("id") or 0))
    return _Site([{
        "id": c.get("id"), "name": clean_text(c.get("name")), "slug": c.get("slug"),
        "color": c.get("color"), "text_color": c.get("text_color"),
        "description": clean_text(c.get("description_text")),
        "parent_category_id": c.get("parent_category_id"), "position": c.get("position"),
        "topic_count": c.get("topic_count"), "post_count": c.get("post_count"),
        "url": f"{run.base}/c/{c.get('slug')}/{c.get('id')}",
    } for c in public], restricted)


def _site(run: _Sync, categories: list[str]) -> tuple[_Site, bool]:
    """The categories, read again when due; also whether they were read now."""
    previous = run.previous
    if previous is None or run.due("site") or any(
            slug not in {c.get("slug") for c in previous.categories} for slug in categories):
        return _read_site(run), True
    run.report("site", 0, 1)
    run.keep("site")
    run.report("site", 1, 1)
    return _Site(copy.deepcopy(previous.categories),
                 set(previous.restricted_category_ids)), False


def _run(run: _Sync, *, linked: list[int], periods: list[str], users: list[str],
         categories: list[str], latest_pages: int, directory_limit: int) -> dict[str, Any]:
    client, previous = run.client, run.previous
    linked_set = set(linked)
    stored = previous.topics if previous else {}

    site, site_read = _site(run, categories)

    # -- /latest: every sync, further pages only while they can hold news
    jobs = 1 + len(periods) + len(categories) * (1 + len(periods))
    run.report("lists", 0, jobs)
    since = run.latest_since()

    def more(page: list[dict[str, Any]]) -> bool:
        last = next((t for t in reversed(page) if not t.get("pinned")), None)
        moment = instant_or_none(last.get("bumped_at")) if last else None
        return since is None or moment is None or moment > since

    listing = client.latest(latest_pages, more=more)
    run.mark("latest")
    if not site_read and any(t.get("category_id") not in site.known
                             for t in listing.topics if t.get("category_id") is not None):
        site, site_read = _read_site(run), True  # a new category: read them again now
    restricted = site.restricted
    by_slug = site.by_slug

    items: dict[int, dict[str, Any]] = {}
    order: list[int] = []

    def shown(topic_id: int) -> bool:
        topic = items.get(topic_id) or stored.get(topic_id) or {}
        return topic.get("category_id") not in restricted or topic_id in linked_set

    def add(ids: Iterable[int], fresh: list[dict[str, Any]] | None = None) -> list[int]:
        """Ids of a list (``fresh``: its items, just read), as kept and in reading order."""
        for item in fresh or []:
            items.setdefault(item["id"], item)
        kept = [topic_id for topic_id in ids if shown(topic_id)]
        order.extend(topic_id for topic_id in dict.fromkeys(kept) if topic_id not in order)
        return kept

    fresh_latest = run.collect(listing, restricted, linked_set)
    latest_ids = add([i["id"] for i in fresh_latest], fresh_latest)
    tail: list[dict[str, Any]] = []
    if listing.stopped_early and previous is not None:
        # Nothing below the pages read changed: the rest is the previous list,
        # minus the topics that moved up, at the length the list had.
        room = max(0, len(previous.latest) - len(latest_ids))
        tail = [s for s in previous.latest if isinstance(s, dict)
                and isinstance(s.get("id"), int) and s["id"] not in latest_ids
                and shown(s["id"])][:room]
        add([s["id"] for s in tail])
    run.report("lists", 1, jobs)

    # Categories whose topics were bumped since the previous sync.
    bumped = {i.get("category_id") for i in fresh_latest
              if i["id"] not in stored or i.get("bumped_at") != stored[i["id"]].get("bumped_at")}

    def listed(key: str, read: Callable[[], TopicList], kept: list[int] | None,
               force: bool = False) -> list[int]:
        if kept is not None and not force and not run.due(key):
            run.keep(key)
            return add(kept)
        fresh = run.collect(read(), restricted, linked_set)
        run.mark(key)
        return add([i["id"] for i in fresh], fresh)

    done = 1
    top: dict[str, list[int]] = {}
    for period in periods:
        kept = previous.top.get(period) if previous else None
        top[period] = listed(f"top:{period}", lambda p=period: client.top(p), kept)
        done += 1
        run.report("lists", done, jobs)
    category_lists: dict[str, dict[str, Any]] = {}
    for slug in categories:
        if slug not in by_slug:
            run.warn(f"category {slug!r}: expected one of the forum's public categories "
                     f"({', '.join(sorted(by_slug))}), found none with that slug")
            done += 1 + len(periods)
            run.report("lists", done, jobs)
            continue
        category_id = by_slug[slug]["id"]
        before = (previous.category_lists.get(slug) if previous else None) or {}
        entry: dict[str, Any] = {"id": category_id, "latest": [], "top": {}}
        entry["latest"] = listed(
            f"category:{slug}", lambda s=slug, c=category_id: client.category_topics(s, c),
            before.get("latest") if "latest" in before else None,
            force=category_id in bumped or before.get("id") != category_id)
        done += 1
        run.report("lists", done, jobs)
        for period in periods:
            entry["top"][period] = listed(
                f"category:{slug}:top:{period}",
                lambda s=slug, c=category_id, p=period: client.category_topics(s, c, p),
                (before.get("top") or {}).get(period),
                force=before.get("id") != category_id)
            done += 1
            run.report("lists", done, jobs)
        category_lists[slug] = entry

    wanted = order + [t for t in dict.fromkeys(linked) if t not in order]
    topics = run.fetch_topics(wanted, items, set(order))
    latest = [run.summary(items[i]) for i in latest_ids]
    latest += [copy.deepcopy(s) for s in tail]
    for summary in latest:  # lists carry excerpts only for pinned topics
        if not summary["excerpt"] and summary["id"] in topics:
            summary["excerpt"] = topics[summary["id"]].get("excerpt") or ""

    run.report("stats", 0, 1)
    about = client.about()
    stats = normalise_stats((about.get("about") or {}).get("stats"))
    run.report("stats", 1, 1)

    run.report("directory", 0, 1)
    if previous is not None and not run.due("directory"):
        run.keep("directory")
        directory = copy.deepcopy(previous.directory)
    else:
        directory = [r for r in (run.directory_record(i) for i in client.directory())
                     if r][:directory_limit]
        run.mark("directory")
    run.report("directory", 1, 1)
    directory_by_name = {d["username"].lower(): d for d in directory}

    profiles: dict[str, dict[str, Any]] = {}
    run.report("users", 0, len(users))
    for done, username in enumerate(users, start=1):
        key = f"user:{username.lower()}"
        if previous is not None and not run.due(key):
            run.keep(key)
            kept_profile = previous.user(username)
            if kept_profile is None:
                run.warn(f"user {username}: profile hidden or missing on the forum at the "
                         "last check (left out)")
            else:
                profiles[str(kept_profile["username"])] = copy.deepcopy(kept_profile)
        else:
            data = client.user(username)
            run.mark(key)
            if data is None:
                run.warn(f"user {username}: profile hidden or missing on the forum (left out)")
            else:
                record = run.profile_record(data, directory_by_name)
                profiles[str(record["username"])] = record
        run.report("users", done, len(users))

    run.report("events", 0, 1)
    if previous is not None and not run.due("events"):
        run.keep("events")
        events = copy.deepcopy(previous.events)
    else:
        raw_events = client.events()  # None: no calendar plugin (remembered like a read)
        run.mark("events")
        events = sorted((run.events_record(e) for e in raw_events or []),
                        key=lambda e: (str(e.get("starts_at") or ""), e.get("id") or 0))
    run.report("events", 1, 1)

    taken_at = clock.now()
    point = {"taken_at": taken_at.isoformat(),
             **{k: stats[k] for k in HISTORY_KEYS if k in stats}}
    history = [h for h in (previous.history if previous else [])
               if isinstance(h, dict) and h.get("taken_at") != point["taken_at"]]
    history = sorted([*history, point], key=lambda h: str(h.get("taken_at")))
    # One point per day, the day's last: syncing every hour must not push the 7- and
    # 30-day comparisons of the health trends out of the points the snapshot keeps.
    history = list({str(h.get("taken_at"))[:10]: h for h in history}.values())[-HISTORY_LIMIT:]

    data: dict[str, Any] = {
        "format": FORMAT,
        "taken_at": taken_at.isoformat(),
        "forum_url": run.base,
        "categories": site.categories,
        "latest": latest,
        "top": top,
        "category_lists": category_lists,
        "topics": {str(k): v for k, v in sorted(topics.items())},
        "stats": stats,
        "directory": directory,
        "users": profiles,
        "events": events,
        "history": history,
        "fetched_at": dict(sorted(run.fetched_at.items())),
        "restricted_category_ids": sorted(restricted),
    }
    run.resolve_avatars(_people(data))
    run.localize_bodies(data)
    return data
