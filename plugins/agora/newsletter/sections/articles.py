"""New on the blog: the articles published since the previous issue, newest first."""

from __future__ import annotations

from typing import Any

from agora.core.i18n import format_day
from agora.feeds.blog import author_names
from agora.newsletter.model import Item, Section
from agora.newsletter.sections.context import IssueContext, in_language, plain
from agora.newsletter.sections.spotlight import spotlights


def item(article: Any, context: IssueContext) -> Item:
    shown = in_language(article, context.lang)
    authors = author_names(shown, context.hub)
    return Item(title=plain(shown.title), url=context.absolute(shown.url),
                text=plain(getattr(shown, "summary", "")),
                when=format_day(shown.date, context.lang),
                meta=context._("by %(names)s", names=", ".join(authors)) if authors else "")


def build(context: IssueContext) -> Section | None:
    published = context.hub.blog.published_between(context.start, context.end)
    if any(name == "spotlight" for name, _, _ in context.hub.options.newsletter_sections):
        shown = {id(article) for article, _ in spotlights(context)[:1]}  # its own section
        published = [a for a in published if id(a) not in shown]
    if not published:
        return None
    return Section("articles", context.title("articles"),
                   tuple(item(a, context) for a in context.limited(published, 5)))
