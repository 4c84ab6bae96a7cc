"""Welcome and anniversaries: who joined since the previous issue, whose membership
anniversary comes before the next one (consenting, listed members only)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from agora.core.i18n import format_day
from agora.newsletter.model import Item, Section
from agora.newsletter.sections.context import IssueContext, in_language
from agora.newsletter.sections.spotlight import avatar


def person(member: Any, meta: str, context: IssueContext) -> Item:
    shown = in_language(member, context.lang)
    return Item(title=shown.name, url=context.absolute(shown.url), meta=meta,
                image=avatar(shown, context))


def build(context: IssueContext) -> Section | None:
    members = context.hub.members
    if members is None:
        return None
    first_day, last_day = context.start.date(), context.end.date() - timedelta(days=1)
    joined = members.joined_between(first_day - timedelta(days=1), last_day)
    coming = members.anniversaries_between(context.end.date(),
                                           context.end.date() + timedelta(days=30))
    items = [person(m, context._("joined on %(date)s", date=format_day(m.since, context.lang)),
                    context) for m in joined if m.since is not None]
    items += [person(a.member, context.plural(
        "%(num)s year with us on %(date)s", "%(num)s years with us on %(date)s", a.years,
        date=format_day(a.on, context.lang)), context) for a in coming]
    if not items:
        return None
    return Section("members", context.title("members"), tuple(context.limited(items, 10)))
