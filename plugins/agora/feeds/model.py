"""What a feed is, before it is written: plain data every stream produces the same way.

A stream (:mod:`agora.feeds.blog`, :mod:`~agora.feeds.events`...) turns a slot
of the hub model into :class:`Feed` objects; :mod:`agora.feeds.render` writes
them with feedgen. :class:`FeedsView` is the hub's ``feeds`` slot: every feed
and calendar of the build, for the ``<link rel="alternate">`` of each page, the
``/feeds/`` page and the OPML file.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

#: The theme's translations by language (see :func:`agora.core.i18n.catalogs_for`).
Catalogs = Callable[[str], gettext.NullTranslations]
#: (title, description) of a feed, from a language's gettext and the site's name in it.
#: Call gettext outside f-strings, so that Babel's extraction sees the message.
Texts = Callable[[Callable[[str], str], str], tuple[str, str]]


def titled(site: str, title: str) -> str:
    """A feed's title: "<site name> — <title>" (``title`` already translated)."""
    return f"{site} — {title}" if site else title


def feed_texts(hub: Any, catalogs: Catalogs, texts: Texts, lang: str
               ) -> dict[str, tuple[str, str]]:
    """A feed's (title, description) in each language of the site and in its own, ``lang``."""
    return {each: texts(catalogs(each).gettext, hub.options.site_name(hub.urls.settings, each))
            for each in dict.fromkeys([lang, *hub.languages])}
MIME = {"atom": "application/atom+xml", "rss": "application/rss+xml", "ics": "text/calendar"}


class LazyText:
    """Text made the first time it is read, in the process that reads it.

    A blog entry's HTML, its links made absolute, is the costly part of the
    feeds; the render workers write the feeds (:mod:`agora.render`), so made
    there it stays off the one core the build has between reading and rendering.
    """

    def __init__(self, make: Callable[[], str]):
        self._make: Callable[[], str] | None = make
        self._text = ""

    def __str__(self) -> str:
        if self._make is not None:
            self._text, self._make = self._make(), None
        return self._text

    def __bool__(self) -> bool:
        return bool(str(self))


@dataclass(frozen=True)
class Entry:
    """One item of a feed. URLs are absolute; ``content_html`` is safe HTML."""

    id: str
    title: str
    url: str
    published: datetime
    updated: datetime
    content_html: str | LazyText = ""
    summary: str = ""  # plain text
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    #: further links: (rel, href, media type, title), e.g. an event's calendar file
    links: tuple[tuple[str, str, str, str], ...] = ()
    lang: str = ""


@dataclass(frozen=True)
class Feed:
    """A feed (or a calendar, written by the events capability) of the hub.

    ``path`` is where it is written and, as in Pelican, its URL relative to the
    site root; ``page_url`` the HTML page it follows. ``key`` names it for
    lookups: ``all``, ``all:<lang>``, ``category:<slug>``, ``tag:<slug>``,
    ``series:<slug>``, ``author:<member>``, ``events``, ``forum``,
    ``newsletter``, ``calendar``...; the version for pages in another language
    adds it (``category:<slug>:en``), and an RSS twin adds ``:rss``.
    """

    key: str
    group: str  # what the /feeds/ page lists it under: blog, events, forum, newsletter
    title: str
    description: str
    path: str
    page_url: str
    lang: str
    format: str = "atom"  # atom, rss or ics
    entries: tuple[Entry, ...] = ()
    #: (title, description) in each language of the site, for the pages in that language
    #: (the feed itself is written in ``lang``)
    titles: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def mime(self) -> str:
        return MIME[self.format]

    def in_language(self, lang: str) -> Feed:
        """The feed as pages in ``lang`` name and describe it."""
        found = self.titles.get(lang)
        if found is None or found == (self.title, self.description):
            return self
        return replace(self, title=found[0], description=found[1])

    @property
    def updated(self) -> datetime | None:
        return max((e.updated for e in self.entries), default=None)


@dataclass
class FeedsView:
    """Every feed and calendar of the build, in the order the /feeds/ page lists them."""

    feeds: list[Feed] = field(default_factory=list)
    default_lang: str = "en"
    #: The language of the pages this view is for ("": the default language)
    lang: str = ""

    def __post_init__(self) -> None:
        self._by_key = {f.key: f for f in self.feeds}

    def named(self, key: str) -> Feed | None:
        """The feed ``key``; on pages in another language, its ``<key>:<lang>`` version first."""
        if self.lang and self.lang != self.default_lang:
            found = self._by_key.get(f"{key}:{self.lang}")
            if found is not None:
                return found
        return self._by_key.get(key)

    def in_language(self, lang: str) -> FeedsView:
        """The same feeds, titled for pages in ``lang``, their own versions in ``lang`` first."""
        return FeedsView([f.in_language(lang) for f in self.feeds], self.default_lang, lang)

    def site(self, lang: str | None = None) -> list[Feed]:
        """The blog's main feeds in ``lang`` (Atom first, then RSS)."""
        if lang and lang != self.default_lang:
            return [f for f in (self.named(f"all:{lang}"),) if f is not None]
        return [f for f in (self.named("all"), self.named("all:rss")) if f is not None]

    def for_category(self, category: Any) -> Feed | None:
        return self.named(f"category:{getattr(category, 'slug', category)}")

    def for_tag(self, tag: Any) -> Feed | None:
        return self.named(f"tag:{getattr(tag, 'slug', tag)}")

    def for_series(self, slug: str | None) -> Feed | None:
        return self.named(f"series:{slug}") if slug else None

    def for_author(self, slug: str | None) -> Feed | None:
        return self.named(f"author:{slug}") if slug else None

    def groups(self, feeds: Iterable[Feed] | None = None) -> list[tuple[str, list[Feed]]]:
        """``feeds`` (all of them by default) by group, groups in first-seen order (for the
        /feeds/ page and OPML)."""
        grouped: dict[str, list[Feed]] = {}
        for item in self.feeds if feeds is None else feeds:
            grouped.setdefault(item.group, []).append(item)
        return list(grouped.items())

    def family(self, feed: Feed) -> str:
        """The key of the feed ``feed`` is a version of: ``all`` for ``all:en``."""
        own = f":{feed.lang}"
        if feed.lang != self.default_lang and feed.key.endswith(own):
            return feed.key.removesuffix(own)
        return feed.key

    def for_page(self, lang: str) -> tuple[list[Feed], dict[str, list[Feed]]]:
        """What the /feeds/ page in ``lang`` lists first: each feed in ``lang`` where it has
        a version in it, else in the default language (the forum's); then the other
        versions, by language."""
        chosen: dict[str, Feed] = {}  # by family, in the order families first appear
        for feed in self.feeds:
            family = self.family(feed)
            if feed.lang == lang or (family not in chosen and feed.lang == self.default_lang):
                chosen[family] = feed
        first = list(chosen.values())
        others: dict[str, list[Feed]] = {}
        for feed in self.feeds:
            if chosen.get(self.family(feed)) is not feed:
                others.setdefault(feed.lang, []).append(feed)
        return first, others

    def written(self) -> Iterable[Feed]:
        """The feeds this capability writes (calendars are the events capability's)."""
        return (f for f in self.feeds if f.format != "ics")
