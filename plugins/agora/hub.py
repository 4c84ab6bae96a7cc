"""The hub model: what one build knows, published by each capability for the others.

Capabilities do not hand each other loose template-context keys. Each one fills
its own typed slot of :class:`Hub` while Pelican reads content, and templates,
feeds, the newsletter and other plugins read those slots::

    hub.blog       BlogView     articles, translations and series (agora.core)
    hub.events     EventsView   events, their dated sessions, listings (agora.events)
    hub.members    MembersView  consenting, listed members and recognition (agora.members)
    hub.forum      ForumView    forum activity from the snapshot (agora.forum.plugin)
    hub.charter    CharterView  charter pages in force, onboarding pages (agora.charter)
    hub.feeds      FeedsView    every feed and calendar, to link and list (agora.feeds)
    hub.newsletter NewsletterView  the digest issues published so far (agora.newsletter)

A slot is None when its capability is not in ``PLUGINS`` (or, for the forum,
when there is no snapshot): readers check before use. The questions the digest
and the feeds ask -- what is new since a date, what is coming in the next
weeks, which members may be named -- are methods of the slots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agora import clock
from agora.settings import Options
from agora.urls import Urls

if TYPE_CHECKING:
    from agora.charter.view import CharterView
    from agora.content.types import Series
    from agora.events.view import EventsView
    from agora.feeds.model import FeedsView
    from agora.forum.view import ForumView
    from agora.members.view import MembersView
    from agora.newsletter.view import NewsletterView


def _newest_first(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda a: (a.date, a.slug), reverse=True)


@dataclass
class BlogView:
    """Published articles of the build (scheduled posts are not among them).

    ``unpublished`` holds the drafts and the scheduled posts (``scheduled`` is
    true on those waiting for their date), in every language: only the
    editorial calendar and preview pages read them, never a public page.
    """

    articles: list[Any] = field(default_factory=list)  # default language, newest first
    translations: list[Any] = field(default_factory=list)
    series: dict[str, Series] = field(default_factory=dict)
    unpublished: list[Any] = field(default_factory=list)

    def latest(self, count: int) -> list[Any]:
        return self.articles[: max(0, count)]

    def published_between(self, start: datetime | None, end: datetime,
                          lang: str | None = None) -> list[Any]:
        """Articles dated in ``[start, end)``, newest first (``lang``: that language only)."""
        pool = self.articles if lang is None else [
            a for a in [*self.articles, *self.translations] if a.lang == lang]
        return _newest_first(a for a in pool
                             if (start is None or a.date >= start) and a.date < end)

    def in_series(self, slug: str) -> list[Any]:
        return [a for a in self.articles if getattr(a, "series", None) == slug]

    def languages(self) -> list[str]:
        return sorted({a.lang for a in [*self.articles, *self.translations]})


@dataclass
class Hub:
    """The typed model of one build; see the module documentation."""

    now: datetime
    zone: ZoneInfo
    options: Options
    urls: Urls
    blog: BlogView = field(default_factory=BlogView)
    events: EventsView | None = None
    members: MembersView | None = None
    forum: ForumView | None = None
    charter: CharterView | None = None
    feeds: FeedsView | None = None
    newsletter: NewsletterView | None = None

    @property
    def today(self) -> date:
        """The calendar day of the build, in the site's zone."""
        return self.now.astimezone(self.zone).date()

    def may_name(self, member_slug: str) -> bool:
        """Whether a member may be named or linked anywhere (consent, listed)."""
        return self.members is not None and self.members.may_name(member_slug)

    def nameable(self, slugs: Sequence[str]) -> list[Any]:
        """The consenting members among ``slugs``, as profiles, in the given order."""
        if self.members is None:
            return []
        return [m for m in (self.members.named(s) for s in slugs) if m is not None]

    @classmethod
    def for_settings(cls, settings: Mapping[str, Any], now: datetime | None = None) -> Hub:
        """An empty hub for these settings: what a build starts from (and unit tests use)."""
        config = Options.from_settings(settings)
        return cls(now=now or clock.read(settings), zone=clock.site_zone(settings),
                   options=config, urls=Urls(settings, config.charter_main))
