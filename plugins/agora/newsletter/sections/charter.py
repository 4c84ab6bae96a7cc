"""Our charter: every issue reminds readers of the rules and of the start page.

A reminder, not news: an issue with only this section is not produced.
"""

from __future__ import annotations

from agora.newsletter.model import Item, Section
from agora.newsletter.sections.context import IssueContext, plain


def build(context: IssueContext) -> Section | None:
    charter = context.hub.charter
    if charter is None:
        return None
    items = []
    page = charter.charter_for(context.lang)
    if page is not None:
        items.append(Item(title=plain(page.title), url=context.absolute(page.url),
                          text=plain(getattr(page, "summary", ""))))
    start = charter.onboarding_for(context.lang)
    if start is not None:
        items.append(Item(title=plain(start.title), url=context.absolute(start.url),
                          text=context._("New here? The path to find your way in the "
                                         "community.")))
    if not items:
        return None
    return Section("charter", context.title("charter"), tuple(items),
                   text=context._("Our community lives by a few rules, shared by everyone."),
                   counts_as_news=False)
