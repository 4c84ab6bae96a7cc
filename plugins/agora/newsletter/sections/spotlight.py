"""Member spotlight: the portrait published since the previous issue, if there is one."""

from __future__ import annotations

from typing import Any

from agora.newsletter.model import Image, Item, Section
from agora.newsletter.sections.context import IssueContext, in_language, plain

AVATAR_SHOWN = 48  # CSS pixels; the PNG is twice as large for sharp screens


def avatar(member: Any, context: IssueContext) -> Image | None:
    image = getattr(member, "avatar_image", None)
    if image is None or image.email is None:
        return None
    return Image(context.absolute(image.email[1]), AVATAR_SHOWN, AVATAR_SHOWN,
                 context._("Portrait of %(name)s", name=member.name))


def spotlights(context: IssueContext) -> list[tuple[Any, Any]]:
    """(article, member) of the portraits published in the issue's window, newest first."""
    members = context.hub.members
    if members is None:
        return []
    found = []
    for article in context.hub.blog.published_between(context.start, context.end):
        member = members.named(str(getattr(article, "spotlight", "") or ""))
        if member is not None:
            found.append((article, member))
    return found


def build(context: IssueContext) -> Section | None:
    found = spotlights(context)
    if not found:
        return None
    article = in_language(found[0][0], context.lang)
    member = in_language(found[0][1], context.lang)
    return Section("spotlight", context.title("spotlight"), (Item(
        title=plain(article.title), url=context.absolute(article.url),
        text=plain(getattr(article, "summary", "")), meta=member.name,
        image=avatar(member, context)),))
