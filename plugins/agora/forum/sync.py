"""``agora sync``: read the forum once, write a snapshot builds can use offline.

Why a separate step: a build must not depend on the forum being reachable, and
the forum must not be hammered by every preview build. Sync is economical
(incremental: a topic's ``/t/{id}.json`` is fetched again only when its
``bumped_at`` or ``highest_post_number`` changed in the lists, avatars already
stored are reused) and all-or-nothing: any failure raises and leaves the
previous snapshot byte-identical (see :mod:`agora.forum.snapshot`). The one
tolerated failure is a single topic or profile the forum refuses (404 / 403):
its last good data is kept and a warning recorded.

Privacy: categories the forum marks ``read_restricted`` (visible only with an
API key) and their topics are left out of the lists; a topic linked explicitly
from content (``topic_ids``) is kept, since an editor chose to show it.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agora import clock
from agora.forum.client import (
    DiscourseClient,
    ForumBadResponse,
    ForumHTTPError,
    TopicList,
)
from agora.forum.sanitize import (
    absolute_url,
    avatar_url,
    clean_text,
    excerpt_from_cooked,
    normalise_tags,
    sanitize_cooked,
)
from agora.forum.snapshot import (
    AVATARS_DIR,
    FORMAT,
    HISTORY_KEYS,
    HISTORY_LIMIT,
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
_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")


@dataclass
class _Tally:
    """What a sync did so far (counters and warnings)."""

    topics_fetched: list[int] = field(default_factory=list)
    topics_reused: list[int] = field(default_factory=list)
    avatars_downloaded: int = 0
    avatars_reused: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class SyncResult:
    """What a sync did, for the CLI and for tests."""

    snapshot_dir: Path
    snapshot: Snapshot
    requests: int = 0
    topics_fetched: list[int] = field(default_factory=list)
    topics_reused: list[int] = field(default_factory=list)
    avatars_downloaded: int = 0
    avatars_reused: int = 0
    warnings: list[str] = field(default_factory=list)


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


# --------------------------------------------------------------------------- the sync


class _Sync:
    """One sync run: holds what was fetched so far (never module-level state)."""

    def __init__(self, *, forum_url: str, client: DiscourseClient, writer: SnapshotWriter,
                 previous: Snapshot | None, progress: ProgressCallback | None,
                 result: _Tally, avatar_size: int, best_replies: int):
        self.base = forum_url
        self.client = client
        self.writer = writer
        self.previous = previous
        self.progress = progress
        self.result = result
        self.avatar_size = avatar_size
        self.best_replies = best_replies
        self.users_by_id: dict[int, dict[str, Any]] = {}

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
        return record

    def bare_record(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """A topic known only from a list (its page could not be read)."""
        record = self.summary(item)
        record.update(author=None, participants=[], best_replies=[])
        return record

    def fetch_topics(self, wanted: list[int], items: Mapping[int, Mapping[str, Any]]
                     ) -> dict[int, dict[str, Any]]:
        stored = self.previous.topics if self.previous else {}
        topics: dict[int, dict[str, Any]] = {}
        self.report("topics", 0, len(wanted))
        for done, topic_id in enumerate(wanted, start=1):
            item = items.get(topic_id)
            old = stored.get(topic_id)
            changed = old is None or (item is not None and (
                item.get("bumped_at") != old.get("bumped_at")
                or item.get("highest_post_number") != old.get("highest_post_number")))
            if not changed and old is not None:
                record = copy.deepcopy(old)
                if item is not None:
                    fresh = self.summary(item)
                    record.update({k: fresh[k] for k in (*CHEAP_FIELDS, "tags", "url")})
                topics[topic_id] = record
                self.result.topics_reused.append(topic_id)
            else:
                try:
                    full = self.client.topic(topic_id)
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
        for suffix in (".png", ".jpg", ".gif"):
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
        destination = self.writer.staging / relative
        if destination.is_file():
            return True
        source = self.writer.previous_file(relative)
        if source is None:
            return False
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(source.read_bytes())
        self.result.avatars_reused += 1
        return True


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
) -> SyncResult:
    """Fetch the forum and atomically replace the snapshot in ``snapshot_dir``.

    ``forum_url`` is the public base every stored link points to; ``client``
    (optional) may read from elsewhere, e.g. a local test server. ``progress``
    is called as ``progress(stage, done, total)``; an exception it raises aborts
    the sync like any other failure: the previous snapshot stays as it was.
    """
    base = forum_url.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"forum URL: expected an http(s) URL like https://forum.example.org, "
                         f"found {forum_url!r}")
    target = Path(snapshot_dir)
    linked = [int(t) for t in topic_ids]
    periods = [p for p in dict.fromkeys(top_periods) if p]
    wanted_users = list(dict.fromkeys(u for u in usernames if u))
    wanted_categories = list(dict.fromkeys(c for c in categories if c))

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
            tally = _Tally(warnings=warnings)
            run = _Sync(forum_url=base, client=client, writer=writer, previous=previous,
                        progress=progress, result=tally, avatar_size=avatar_size,
                        best_replies=best_replies)
            data = _run(run, linked=linked, periods=periods, users=wanted_users,
                        categories=wanted_categories, latest_pages=latest_pages,
                        directory_limit=directory_limit)
            run.report("write", 0, 1)
            snapshot = writer.write(data)
            run.report("write", 1, 1)
    finally:
        if own_client:
            client.close()
    return SyncResult(
        snapshot_dir=target, snapshot=snapshot, requests=client.request_count - first_request,
        topics_fetched=tally.topics_fetched, topics_reused=tally.topics_reused,
        avatars_downloaded=tally.avatars_downloaded, avatars_reused=tally.avatars_reused,
        warnings=tally.warnings)


def _run(run: _Sync, *, linked: list[int], periods: list[str], users: list[str],
         categories: list[str], latest_pages: int, directory_limit: int) -> dict[str, Any]:
    client, base = run.client, run.base
    linked_set = set(linked)

    run.report("site", 0, 1)
    site = client.site()
    run.report("site", 1, 1)
    raw_categories = [c for c in site.get("categories") or [] if isinstance(c, dict)]
    restricted = {c.get("id") for c in raw_categories if c.get("read_restricted")}
    public = sorted((c for c in raw_categories if not c.get("read_restricted")),
                    key=lambda c: (c.get("position") or 0, c.get("id") or 0))
    category_records = [{
        "id": c.get("id"), "name": clean_text(c.get("name")), "slug": c.get("slug"),
        "color": c.get("color"), "text_color": c.get("text_color"),
        "description": clean_text(c.get("description_text")),
        "parent_category_id": c.get("parent_category_id"), "position": c.get("position"),
        "topic_count": c.get("topic_count"), "post_count": c.get("post_count"),
        "url": f"{base}/c/{c.get('slug')}/{c.get('id')}",
    } for c in public]
    by_slug = {c["slug"]: c for c in category_records}

    jobs: list[tuple[str, str | None, str | None]] = [("latest", None, None)]
    jobs += [("top", None, p) for p in periods]
    for slug in categories:
        if slug not in by_slug:
            run.warn(f"category {slug!r}: expected one of the forum's public categories "
                     f"({', '.join(sorted(by_slug))}), found none with that slug")
            continue
        jobs += [("category", slug, None)] + [("category", slug, p) for p in periods]

    items: dict[int, dict[str, Any]] = {}
    order: list[int] = []
    latest_ids: list[int] = []
    top: dict[str, list[int]] = {}
    category_lists: dict[str, dict[str, Any]] = {}
    run.report("lists", 0, len(jobs))
    for done, (kind, slug, period) in enumerate(jobs, start=1):
        if kind == "latest":
            listing = client.latest(latest_pages)
        elif kind == "top":
            listing = client.top(period or "weekly")
        else:
            listing = client.category_topics(slug or "", by_slug[slug]["id"], period)
        ids = []
        for item in run.collect(listing, restricted, linked_set):
            items.setdefault(item["id"], item)
            ids.append(item["id"])
            if item["id"] not in order:
                order.append(item["id"])
        if kind == "latest":
            latest_ids = ids
        elif kind == "top":
            top[period or "weekly"] = ids
        else:
            entry = category_lists.setdefault(
                slug or "", {"id": by_slug[slug]["id"], "latest": [], "top": {}})
            if period:
                entry["top"][period] = ids
            else:
                entry["latest"] = ids
        run.report("lists", done, len(jobs))

    wanted = order + [t for t in dict.fromkeys(linked) if t not in items]
    topics = run.fetch_topics(wanted, items)
    latest = [run.summary(items[i]) for i in latest_ids]
    for summary in latest:  # lists carry excerpts only for pinned topics
        if not summary["excerpt"] and summary["id"] in topics:
            summary["excerpt"] = topics[summary["id"]].get("excerpt") or ""

    run.report("stats", 0, 1)
    about = client.about()
    stats = normalise_stats((about.get("about") or {}).get("stats"))
    run.report("stats", 1, 1)

    run.report("directory", 0, 1)
    directory = [r for r in (run.directory_record(i) for i in client.directory())
                 if r][:directory_limit]
    run.report("directory", 1, 1)
    directory_by_name = {d["username"].lower(): d for d in directory}

    profiles: dict[str, dict[str, Any]] = {}
    run.report("users", 0, len(users))
    for done, username in enumerate(users, start=1):
        data = client.user(username)
        if data is None:
            run.warn(f"user {username}: profile hidden or missing on the forum (left out)")
        else:
            record = run.profile_record(data, directory_by_name)
            profiles[str(record["username"])] = record
        run.report("users", done, len(users))

    run.report("events", 0, 1)
    raw_events = client.events()
    events = sorted((run.events_record(e) for e in raw_events or []),
                    key=lambda e: (str(e.get("starts_at") or ""), e.get("id") or 0))
    run.report("events", 1, 1)

    taken_at = clock.now()
    point = {"taken_at": taken_at.isoformat(),
             **{k: stats[k] for k in HISTORY_KEYS if k in stats}}
    history = [h for h in (run.previous.history if run.previous else [])
               if isinstance(h, dict) and h.get("taken_at") != point["taken_at"]]
    history = sorted([*history, point], key=lambda h: str(h.get("taken_at")))[-HISTORY_LIMIT:]

    data: dict[str, Any] = {
        "format": FORMAT,
        "taken_at": taken_at.isoformat(),
        "forum_url": base,
        "categories": category_records,
        "latest": latest,
        "top": top,
        "category_lists": category_lists,
        "topics": {str(k): v for k, v in sorted(topics.items())},
        "stats": stats,
        "directory": directory,
        "users": profiles,
        "events": events,
        "history": history,
    }
    run.resolve_avatars(_people(data))
    return data
