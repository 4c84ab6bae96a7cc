"""The blog's feeds: everything, per language, per category, tag, series and member.

Entries carry the full article with absolute links, the summary, categories
and tags, and the names of authors who may be named: a member who has not
consented to a public profile is never named, here or anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from markupsafe import Markup

from agora.clock import aware
from agora.feeds.model import Catalogs, Entry, Feed
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
        self.site = str(hub.urls.settings.get("SITENAME") or "")
        self.lang = hub.urls.default_lang

    def feeds(self, key: str, setting: str, title: str, about: str, page_url: str,
              articles: Sequence[Any], lang: str | None = None, **params: Any
              ) -> Iterable[Feed]:
        """The Atom feed of ``<setting>_ATOM`` and the RSS one of ``<setting>_RSS``, when set."""
        entries = tuple(article_entry(a, self.hub) for a in articles[: self.limit])
        for fmt, suffix in (("atom", ""), ("rss", ":rss")):
            path = self.hub.urls.feed(f"{setting}_{fmt.upper()}", lang=lang or self.lang,
                                      **params)
            if path:
                yield Feed(key + suffix, "blog", f"{self.site} — {title}"
                           + (" (RSS)" if suffix else ""), about, path, page_url,
                           lang or self.lang, fmt, entries)

    def all(self) -> Iterable[Feed]:
        _ = self.catalogs(self.lang).gettext
        blog, urls = self.hub.blog, self.hub.urls
        yield from self.feeds("all", "FEED_ALL", _("Blog"), _("Every new article, in full."),
                              urls.url("blog"), blog.articles)
        for lang in blog.languages():
            if lang == self.lang:
                continue
            translated = [a for a in blog.translations if a.lang == lang]
            theirs = self.catalogs(lang).gettext
            yield from self.feeds(f"all:{lang}", "TRANSLATION_FEED", theirs("Blog"),
                                  theirs("Every new article, in full."),
                                  urls.url("blog", lang=lang), translated, lang=lang)

    def taxonomies(self) -> Iterable[Feed]:
        _ = self.catalogs(self.lang).gettext
        articles = self.hub.blog.articles
        categories = {a.category.slug: a.category for a in articles
                      if getattr(a, "category", None)}
        for slug, category in sorted(categories.items()):
            name = {"name": category.name}
            yield from self.feeds(f"category:{slug}", "CATEGORY_FEED",
                                  _("Category: %(name)s") % name,
                                  _("New articles in the category %(name)s.") % name,
                                  category.url, [a for a in articles
                                                 if getattr(a, "category", None) == category],
                                  slug=slug)
        tags = {t.slug: t for a in articles for t in getattr(a, "tags", None) or []}
        for slug, tag in sorted(tags.items()):
            name = {"name": tag.name}
            yield from self.feeds(f"tag:{slug}", "TAG_FEED", _("Tag: %(name)s") % name,
                                  _("New articles tagged %(name)s.") % name, tag.url,
                                  [a for a in articles if tag in (getattr(a, "tags", None) or [])],
                                  slug=slug)

    def series_and_authors(self) -> Iterable[Feed]:
        _ = self.catalogs(self.lang).gettext
        hub = self.hub
        for slug, series in hub.blog.series.items():
            yield from self.feeds(f"series:{slug}", "SERIES_FEED", series.title,
                                  series.description or _("Each new article of the series "
                                                          "%(title)s.") % {"title": series.title},
                                  hub.urls.url("blog"), hub.blog.in_series(slug), slug=slug)
        # bylines name only who may be named: members who consented, and other people
        authors = {str(a.slug): a for article in hub.blog.articles
                   for a in getattr(article, "authors", None) or []}
        for slug, author in sorted(authors.items()):
            written = [a for a in hub.blog.articles if slug in
                       {str(getattr(x, "slug", x)) for x in getattr(a, "authors", None) or []}]
            name = {"name": author.name}
            yield from self.feeds(f"author:{slug}", "AUTHOR_FEED", _("Articles by %(name)s") % name,
                                  _("New articles by %(name)s.") % name, author.url, written,
                                  slug=slug)


def blog_feeds(hub: Hub, catalogs: Catalogs, limit: int) -> list[Feed]:
    builder = BlogFeeds(hub, catalogs, limit)
    return [*builder.all(), *builder.taxonomies(), *builder.series_and_authors()]
