"""You said, we did: what moved in the forum's ideas and feedback category.

Members feel heard when they see what became of their ideas: a closed topic
there is an idea dealt with ("done"), an open one is still being discussed.
"""

from __future__ import annotations

from agora.newsletter.model import Section
from agora.newsletter.sections.context import IssueContext
from agora.newsletter.sections.forum import active_topics, all_topics, item


def build(context: IssueContext) -> Section | None:
    slug = context.hub.options.newsletter_feedback_category
    if context.hub.forum is None or not slug:
        return None
    ids = {c.get("id") for c in context.hub.forum.snapshot.categories if c.get("slug") == slug}
    topics = [t for t in active_topics(all_topics(context), context, include_closed=True)
              if t.get("category_id") in ids]
    if not topics:
        return None
    return Section("feedback", context.title("feedback"),
                   tuple(item(t, context, done=bool(t.get("closed"))) for t in
                         context.limited(topics, 5)))
