"""Topics stage: every listed and linked topic, reused, read whole, or read from its end.

A topic the forum refuses (404 / 403) or answers badly keeps its last good
data (or its list summary) with a warning; any other failure aborts the sync.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from agora.forum.client import ForumBadResponse, ForumHTTPError
from agora.forum.schema import Topic
from agora.forum.sync.lists import Lists
from agora.forum.sync.plan import TopicRead
from agora.forum.sync.records import BEST_REPLIES
from agora.forum.sync.run import SyncRun

#: Posts read for one topic at most (``/t/{id}.json`` plus ``posts.json``).
MAX_POSTS = 500


def read_topics(run: SyncRun, lists: Lists) -> dict[int, Topic]:
    """Every topic of the lists, then every linked one, brought up to date."""
    wanted = lists.order + [t for t in dict.fromkeys(run.wanted.topic_ids)
                            if t not in lists.order]
    listed = set(lists.order)
    stored = run.previous.topics if run.previous else {}
    topics: dict[int, Topic] = {}
    run.report("topics", 0, len(wanted))
    for done, topic_id in enumerate(wanted, start=1):
        item = lists.items.get(topic_id)
        old = stored.get(topic_id)
        how = run.plan.topic_read(topic_id, item, old, listed)
        if how is TopicRead.REUSE and old is not None:
            topics[topic_id] = reused(run, old, item)
            run.counts.topics_reused.append(topic_id)
        else:
            record = read_topic(run, topic_id, how, item, old)
            if record is not None:
                topics[topic_id] = record
        run.report("topics", done, len(wanted))
    return topics


def reused(run: SyncRun, old: Topic, item: Mapping[str, Any] | None) -> Topic:
    """The stored topic, with what changes without a bump refreshed from its list item."""
    record = copy.deepcopy(old)
    if item is not None:
        fresh = run.records.summary(item)
        record.update({
            "title": fresh["title"], "slug": fresh["slug"], "category_id": fresh["category_id"],
            "views": fresh["views"], "like_count": fresh["like_count"],
            "pinned": fresh["pinned"], "pinned_globally": fresh["pinned_globally"],
            "closed": fresh["closed"], "archived": fresh["archived"],
            "visible": fresh["visible"], "tags": fresh["tags"], "url": fresh["url"],
        })
    return record


def read_topic(run: SyncRun, topic_id: int, how: TopicRead, item: Mapping[str, Any] | None,
               old: Topic | None) -> Topic | None:
    """The topic read from the forum; on a refusal, what is known of it (or None)."""
    try:
        if how is TopicRead.PARTIAL and old is not None:
            record = read_after_known_end(run, topic_id, old, item)
        else:
            page = run.client.topic(topic_id, max_posts=MAX_POSTS)
            record = run.records.topic(topic_id, page, item)
    except (ForumHTTPError, ForumBadResponse) as exc:
        kept: Topic | None = None
        if old is not None:
            kept, what = copy.deepcopy(old), "kept the last synced version"
        elif item is not None:
            kept, what = run.records.bare_topic(item), "kept the list summary only"
        else:
            what = "left it out"
        run.warn(f"topic {topic_id}: {exc} ({what})")
        return kept
    run.counts.topics_fetched.append(topic_id)
    return record


def read_after_known_end(run: SyncRun, topic_id: int, old: Topic,
                         item: Mapping[str, Any] | None) -> Topic:
    """A known long topic brought up to date from the posts after its known end.

    One ``/t/{id}/{n}.json`` (``n`` = known ``highest_post_number`` + 1) gives
    the counts, the participants and the posts around ``n``; posts beyond that
    chunk (more than ~15 new ones) are read with ``posts.json``. The new posts
    are then merged into the stored topic (see :mod:`agora.forum.sync`).
    """
    after = int(old.get("highest_post_number") or 0)
    page = run.client.topic_near(topic_id, after + 1)
    chunk = [p for p in page["post_stream"]["posts"] if isinstance(p, dict) and "id" in p]
    stream = [i for i in page["post_stream"].get("stream") or []
              if isinstance(i, int)][:MAX_POSTS]
    position = {post_id: n for n, post_id in enumerate(stream)}
    seen = [position[p["id"]] for p in chunk if p["id"] in position]
    if seen:
        have = {p["id"] for p in chunk}
        chunk += run.client.posts(topic_id, [i for i in stream[max(seen) + 1:] if i not in have])
    fresh = run.records.topic(topic_id, {**page, "post_stream": {"posts": chunk}}, item)
    read = {p.get("post_number") for p in chunk}
    if 1 not in read:  # the first post was not read: keep what was known of it
        fresh["excerpt"] = old.get("excerpt") or fresh["excerpt"]
        fresh["author"] = fresh["author"] or copy.deepcopy(old.get("author"))
    if not (page.get("details") or {}).get("participants"):
        fresh["participants"] = copy.deepcopy(old.get("participants") or [])
    # Best replies: the stored ones, unless re-read just now, and the posts read.
    kept = [copy.deepcopy(r) for r in old.get("best_replies") or []
            if r.get("post_number") not in read]
    ranked = sorted([*kept, *fresh["best_replies"]],
                    key=lambda r: (-(r.get("like_count") or 0), r.get("post_number") or 0))
    for reply in ranked:
        reply["url"] = f"{fresh['url']}/{reply.get('post_number')}"
    fresh["best_replies"] = ranked[:BEST_REPLIES]
    return fresh
