"""Hot on the forum: the discussions most active since the previous issue.

Ranked like Discourse's own digest: topics with activity in the window that
one can join -- visible, not closed or archived, not pinned (welcome and
"about" topics are pinned) -- by replies, then likes, then views.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from agora.clock import instant_or_none
from agora.newsletter.model import Item, Section
from agora.newsletter.sections.context import IssueContext, plain


def last_activity(topic: Mapping[str, Any]) -> datetime | None:
    return (instant_or_none(topic.get("last_posted_at"))
            or instant_or_none(topic.get("bumped_at"))
            or instant_or_none(topic.get("created_at")))


def active_topics(topics: Iterable[Mapping[str, Any]], context: IssueContext,
                  include_closed: bool = False) -> list[Mapping[str, Any]]:
    """Topics with activity in the issue's window, most active first."""
    found = []
    for topic in topics:
        moment = last_activity(topic)
        if moment is None or not context.start <= moment < context.end:
            continue
        if topic.get("visible") is False or topic.get("pinned") or topic.get("pinned_globally"):
            continue
        if not include_closed and (topic.get("closed") or topic.get("archived")):
            continue
        found.append(topic)
    return sorted(found, key=lambda t: (-int(t.get("posts_count") or 0),
                                        -int(t.get("like_count") or 0),
                                        -int(t.get("views") or 0), int(t.get("id") or 0)))


def item(topic: Mapping[str, Any], context: IssueContext, done: bool = False) -> Item:
    assert context.hub.forum is not None
    thread = context.hub.forum.thread(topic["id"]) or {}
    replies = int(thread.get("replies") or 0)
    category = thread.get("category") or {}
    meta = [context._("done") if done else context.plural("%(num)s reply", "%(num)s replies",
                                                          replies)]
    if category.get("name"):
        meta.append(plain(category["name"]))
    # the short form: a line of the plain-text part holds it whole
    return Item(title=plain(topic.get("title")), url=context.hub.forum.urls.topic(topic["id"]),
                text=plain(thread.get("excerpt")), meta=" · ".join(meta))


def all_topics(context: IssueContext) -> list[Mapping[str, Any]]:
    assert context.hub.forum is not None
    snapshot = context.hub.forum.snapshot
    merged = {int(t["id"]): t for t in snapshot.latest if isinstance(t.get("id"), int)}
    merged.update(snapshot.topics)
    return list(merged.values())


def build(context: IssueContext) -> Section | None:
    if context.hub.forum is None:
        return None
    feedback = context.hub.options.newsletter_feedback_category
    skipped = {c.get("id") for c in context.hub.forum.snapshot.categories
               if feedback and c.get("slug") == feedback}
    topics = [t for t in active_topics(all_topics(context), context)
              if t.get("category_id") not in skipped]
    if not topics:
        return None
    return Section("forum", context.title("forum"),
                   tuple(item(t, context) for t in context.limited(topics, 5)))
