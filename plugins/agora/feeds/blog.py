"""The blog's feeds: everything, per language, per category, tag, series and member.

Entries carry the full article with absolute links, the summary, categories
and tags, and the names of authors who may be named: a member who has not
consented to a public profile is never named, here or anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from markupsafe import Markup

from agora.clock import aware
from agora.content.types import Series
from agora.core.i18n import language_name
from agora.feeds.model import Catalogs, Entry, Feed, Texts, feed_texts, titled
from agora.feeds.render import absolute_html
from agora.hub import Hub

Gettext = Callable[[str], str]


def plain(value: Any) -> str:
    """Text without markup: titles and summaries may hold HTML (Pelican allows it)."""
    return Markup(str(value or "")).striptags()


def author_names(article: Any, hub: Hub) -> tuple[str, ...]:
    """The names an article may be credited to (never a withheld member's)."""
    withheld = hub.members.withheld_slugs if hub.members is not None else frozenset()
    names = []
    for author in getattr(article, "authors", None) or []:
        slug = str(getattr(author, "slug", author))
        if slug not in withheld:
            names.append(str(getattr(author, "name", author)))
    return tuple(dict.fromkeys(names))


def article_entry(article: Any, hub: Hub) -> Entry:
    urls = hub.urls
    page = urls.absolute(article.url)
    published = aware(article.date, hub.zone)
    updated = aware(getattr(article, "modified", None) or article.date, hub.zone)
    tags = [str(t) for t in getattr(article, "tags", None) or []]
    category = getattr(article, "category", None)
    return Entry(
        id=urls.identity(article.url), title=plain(article.title), url=page,
        published=published, updated=max(updated, published),
        content_html=absolute_html(article.get_content(urls.public_base), page),
        summary=plain(getattr(article, "summary", "")),
        authors=author_names(article, hub),
        categories=tuple(dict.fromkeys([*([str(category)] if category else []), *tags])),
        lang=article.lang)


class BlogFeeds:
    """Builds the blog's feeds of one hub (see the module doc)."""

    def __init__(self, hub: Hub, catalogs: Catalogs, limit: int):
        self.hub = hub
        self.catalogs = catalogs
        self.limit = limit
        self.lang = hub.urls.default_lang

    def feed(self, key: str, texts: Texts, path: str | None, page_url: str,
             articles: Sequence[Any], lang: str | None = None, fmt: str = "atom"
             ) -> Feed | None:
        """``texts(gettext, site name)``: the feed's title and description in a language."""
        if not path:
            return None
        entries = tuple(article_entry(a, self.hub) for a in articles[: self.limit])
        lang = lang or self.lang
        titles = feed_texts(self.hub, self.catalogs, texts, lang)
        return Feed(key, "blog", *titles[lang], path, page_url, lang, fmt, entries, titles)

    def all(self) -> Iterable[Feed | None]:
        blog, urls = self.hub.blog, self.hub.urls
        yield self.feed("all", everything, urls.feed("FEED_ALL_ATOM"), urls.url("blog"),
                        blog.articles)
        yield self.feed("all:rss", everything_rss, urls.feed("FEED_ALL_RSS"), urls.url("blog"),
                        blog.articles, fmt="rss")
        for lang in blog.languages():
            if lang == self.lang:
                continue
            translated = [a for a in blog.translations if a.lang == lang]
            yield self.feed(f"all:{lang}", partial(everything_in, lang),
                            urls.feed("TRANSLATION_FEED_ATOM", lang=lang),
                            urls.url("blog", lang=lang), translated, lang=lang)

    def taxonomies(self) -> Iterable[Feed | None]:
        urls, articles = self.hub.urls, self.hub.blog.articles
        categories = {a.category.slug: a.category for a in articles
                      if getattr(a, "category", None)}
        for slug, category in sorted(categories.items()):
            yield self.feed(f"category:{slug}", partial(in_category, category.name),
                            urls.feed("CATEGORY_FEED_ATOM", slug=slug), category.url,
                            [a for a in articles if getattr(a, "category", None) == category])
        tags = {t.slug: t for a in articles for t in getattr(a, "tags", None) or []}
        for slug, tag in sorted(tags.items()):
            yield self.feed(f"tag:{slug}", partial(tagged, tag.name),
                            urls.feed("TAG_FEED_ATOM", slug=slug), tag.url,
                            [a for a in articles if tag in (getattr(a, "tags", None) or [])])

    def series_and_authors(self) -> Iterable[Feed | None]:
        hub, urls = self.hub, self.hub.urls
        for slug, series in hub.blog.series.items():
            yield self.feed(f"series:{slug}", partial(in_series, series),
                            urls.feed("SERIES_FEED_ATOM", slug=slug), urls.url("blog"),
                            hub.blog.in_series(slug))
        if hub.members is None:
            return
        for member in hub.members.listed:
            written = [a for a in hub.blog.articles if member.slug in
                       {str(getattr(x, "slug", x)) for x in getattr(a, "authors", None) or []}]
            if written:
                yield self.feed(f"author:{member.slug}", partial(by_author, member.name),
                                urls.feed("AUTHOR_FEED_ATOM", slug=member.slug), member.url,
                                written)


# Each feed's (title, description) from a language's gettext and the site's name in it.

def everything(_: Gettext, site: str) -> tuple[str, str]:
    return titled(site, _("Blog")), _("Every new article, in full.")


def everything_rss(_: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Blog") + " (RSS)"),
            _("The same articles, for readers that only know RSS."))


def everything_in(lang: str, _: Gettext, site: str) -> tuple[str, str]:
    """The articles in ``lang``: "Blog (English)", whatever the page's language."""
    return (titled(site, _("Blog") + f" ({language_name(lang, lang)})"),
            _("Every new article, in full."))


def in_category(name: str, _: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Category: %(name)s") % {"name": name}),
            _("New articles in the category %(name)s.") % {"name": name})


def tagged(name: str, _: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Tag: %(name)s") % {"name": name}),
            _("New articles tagged %(name)s.") % {"name": name})


def in_series(series: Series, _: Gettext, site: str) -> tuple[str, str]:
    return titled(site, series.title), series.description or (
        _("Each new article of the series %(title)s.") % {"title": series.title})


def by_author(name: str, _: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Articles by %(name)s") % {"name": name}),
            _("New articles by %(name)s.") % {"name": name})


def blog_feeds(hub: Hub, catalogs: Catalogs, limit: int) -> list[Feed]:
    builder = BlogFeeds(hub, catalogs, limit)
    found = [*builder.all(), *builder.taxonomies(), *builder.series_and_authors()]
    return [f for f in found if f is not None]
