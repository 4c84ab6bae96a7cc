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
    hub.search     SearchView   the search index: where, which languages (agora.search)

A slot is None when its capability is not in ``PLUGINS`` (or, for the forum,
when there is no snapshot): readers check before use. The questions the digest
and the feeds ask -- what is new since a date, what is coming in the next
weeks, which members may be named -- are methods of the slots.

Languages: ``hub.languages`` are the languages the content is in (default
first), settled once every generator has read its content
(:func:`agora.core.languages.settle`). ``hub.in_language("en")`` is the hub as
an English page shows it: the same slots, each article, event and member
replaced by its English translation where there is one, the feeds titled in
English; ``hub.url(name, lang)`` the named page in that language (see
:meth:`agora.urls.Urls.localized`); ``hub.terms`` the blog's categories and
tags (and authors) as its pages show them (:mod:`agora.core.taxonomy`);
``hub.author_url`` where a byline links an author (a member's profile, another
author's page, in that language).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pelican.contents import Content

from agora import clock
from agora.settings import Options
from agora.urls import SiteLanguages, Urls

if TYPE_CHECKING:
    from agora.charter.view import CharterView
    from agora.content.types import Series
    from agora.core.taxonomy import TermsView
    from agora.events.view import EventsView
    from agora.feeds.model import FeedsView
    from agora.forum.view import ForumView
    from agora.members.view import MembersView
    from agora.newsletter.view import NewsletterView
    from agora.search import SearchView


def translation_of(item: Any, lang: str | None) -> Any:
    """``item`` in ``lang``: its translation when there is one, else ``item`` itself."""
    if item is None or not lang or getattr(item, "lang", None) == lang:
        return item
    for other in getattr(item, "translations", None) or ():
        if getattr(other, "lang", None) == lang:
            return other
    return item


def translated(value: Any, lang: str, depth: int = 2) -> Any:
    """``value`` with every content object in it replaced by its translation in ``lang``.

    Goes through lists, tuples, dicts and dataclasses (a view, an event's
    occurrence, a spotlight...) ``depth`` dataclasses deep; anything else is
    kept as it is.
    """
    if isinstance(value, Content):
        return translation_of(value, lang)
    if isinstance(value, list):
        return [translated(v, lang, depth) for v in value]
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(translated(v, lang, depth) for v in value)
    if isinstance(value, dict):
        return {k: translated(v, lang, depth) for k, v in value.items()}
    if depth > 0 and is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: translated(getattr(value, f.name), lang, depth - 1)
                   for f in fields(value) if f.init}
        return replace(value, **changes)
    return value


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
    #: Pelican's categories and tags of the articles, each with its articles
    categories: list[tuple[Any, list[Any]]] = field(default_factory=list)
    tags: list[tuple[Any, list[Any]]] = field(default_factory=list)
    #: Pelican's authors of the articles who have an author page (not members), each with
    #: their articles
    authors: list[tuple[Any, list[Any]]] = field(default_factory=list)
    #: their names in other languages (see :mod:`agora.core.taxonomy`)
    term_names: dict[tuple[str, str, str], str] = field(default_factory=dict)

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

    @property
    def authors_with_pages(self) -> frozenset[str]:
        """The slugs of the authors with an author page (in every language of the site)."""
        return frozenset(str(author.slug) for author, _ in self.authors)


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
    search: SearchView | None = None
    #: The languages of the content (see the module doc); empty until settled.
    site: SiteLanguages | None = None
    #: The language this view of the hub is for ("": the default language's hub).
    lang: str = ""
    #: Views of this hub by language, shared by all of them (see :meth:`in_language`).
    views: dict[str, Hub] = field(default_factory=dict, repr=False)
    _terms: TermsView | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages of the content, default first."""
        return self.site.all if self.site and self.site.all else (self.urls.default_lang,)

    def url(self, name: str, lang: str | None = None, **params: Any) -> str:
        """The named page in ``lang`` when it exists there, else the default language's."""
        site = self.site or SiteLanguages(self.urls.default_lang)
        return self.urls.localized(name, lang or self.lang, site, **params)

    def in_language(self, lang: str | None) -> Hub:
        """The hub as a page in ``lang`` shows it (see the module doc).

        Built on first use, when every page is being written: never before all
        generators have read their content.
        """
        default = self.urls.default_lang
        if not lang or lang == (self.lang or default):
            return self
        if lang == default:
            return self.views.get(default, self)
        if lang not in self.views:
            root = self.views.setdefault(default, self) if not self.lang else self.views[default]
            self.views[lang] = replace(
                root, lang=lang,
                blog=replace(root.blog, articles=translated(root.blog.articles, lang),
                             series={slug: s.in_language(lang)
                                     for slug, s in root.blog.series.items()}),
                events=root.events.in_language(lang) if root.events else None,
                members=translated(root.members, lang) if root.members else None,
                feeds=root.feeds.in_language(lang) if root.feeds else None)
            view = self.views[lang]
            if root.forum is not None:  # its contributors link the profiles of this view
                view.forum = replace(root.forum, hub=view)
        return self.views[lang]

    @property
    def site_name(self) -> str:
        """``SITENAME`` in this hub's language (``AGORA_SITE_TEXT``)."""
        return self.options.site_name(self.urls.settings, self.lang or self.urls.default_lang)

    @property
    def site_subtitle(self) -> str:
        """``SITESUBTITLE`` in this hub's language (``AGORA_SITE_TEXT``)."""
        return self.options.site_subtitle(self.urls.settings, self.lang or self.urls.default_lang)

    @property
    def today(self) -> date:
        """The calendar day of the build, in the site's zone."""
        return self.now.astimezone(self.zone).date()

    def may_name(self, member_slug: str) -> bool:
        """Whether a member may be named or linked anywhere (consent, listed)."""
        return self.members is not None and self.members.may_name(member_slug)

    @property
    def terms(self) -> TermsView:
        """The blog's categories, tags and authors as a page in this hub's language shows
        them."""
        if self._terms is None:
            from agora.core.taxonomy import terms_view  # noqa: PLC0415 - it imports the hub

            self._terms = terms_view(self.blog, self.lang or self.urls.default_lang, self.urls)
        return self._terms

    def author_url(self, author: Any) -> str | None:
        """Where a byline links an author: a credited member's profile in this hub's
        language when there is one, else the author's page in this language (see
        :mod:`agora.core.taxonomy`); None where the author has no page (a translator
        credited on translations only, a site without author pages)."""
        member = self.members.profile_of(author) if self.members is not None else None
        if member is not None:
            return str(member.url)
        listed = self.terms.listed.get(("author", str(author.slug)))
        return str(listed[0].url) if listed else None

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
