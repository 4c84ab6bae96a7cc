"""The sections of a digest: one module each, one ``build(context)`` function each.

A section turns the hub, seen from one issue (its window, its language), into
a :class:`~agora.newsletter.model.Section`, or None when it has nothing to say.
Adding a section is one module here, one entry in :data:`BUILDERS` and its name
in ``AGORA_NEWSLETTER_SECTIONS``' choices (``agora.settings.NEWSLETTER_SECTIONS``).
"""

from __future__ import annotations

from collections.abc import Callable

from agora.newsletter.model import Section
from agora.newsletter.sections import (
    articles,
    charter,
    events,
    feedback,
    forum,
    intro,
    members,
    spotlight,
)
from agora.newsletter.sections.context import IssueContext

Builder = Callable[[IssueContext], Section | None]

BUILDERS: dict[str, Builder] = {
    "intro": intro.build,
    "articles": articles.build,
    "events": events.build,
    "forum": forum.build,
    "feedback": feedback.build,
    "spotlight": spotlight.build,
    "members": members.build,
    "charter": charter.build,
}

__all__ = ["BUILDERS", "Builder", "IssueContext"]
