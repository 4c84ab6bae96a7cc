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
        # an article is in several feeds (all, category, tags, series, author): its entry,
        # absolute links and all, is made once
        self.entries: dict[int, Entry] = {}

    def entry(self, article: Any) -> Entry:
        found = self.entries.get(id(article))
        if found is None:
            found = self.entries[id(article)] = article_entry(article, self.hub)
        return found

    def feed(self, key: str, title: str, about: str, path: str | None, page_url: str,
             articles: Sequence[Any], lang: str | None = None, fmt: str = "atom"
             ) -> Feed | None:
        if not path:
            return None
        entries = tuple(self.entry(a) for a in articles[: self.limit])
        return Feed(key, "blog", f"{self.site} — {title}", about, path, page_url,
                    lang or self.lang, fmt, entries)

    def all(self) -> Iterable[Feed | None]:
        _ = self.catalogs(self.lang).gettext
        blog, urls = self.hub.blog, self.hub.urls
        yield self.feed("all", _("Blog"), _("Every new article, in full."),
                        urls.feed("FEED_ALL_ATOM"), urls.url("blog"), blog.articles)
        yield self.feed("all:rss", _("Blog") + " (RSS)",
                        _("The same articles, for readers that only know RSS."),
                        urls.feed("FEED_ALL_RSS"), urls.url("blog"), blog.articles, fmt="rss")
        for lang in blog.languages():
            if lang == self.lang:
                continue
            translated = [a for a in blog.translations if a.lang == lang]
            theirs = self.catalogs(lang).gettext
            yield self.feed(f"all:{lang}", theirs("Blog"), theirs("Every new article, in full."),
                            urls.feed("TRANSLATION_FEED_ATOM", lang=lang),
                            urls.url("blog", lang=lang), translated, lang=lang)

    def taxonomies(self) -> Iterable[Feed | None]:
        _ = self.catalogs(self.lang).gettext
        urls, articles = self.hub.urls, self.hub.blog.articles
        categories: dict[str, Any] = {}
        in_category: dict[str, list[Any]] = {}
        tags: dict[str, Any] = {}
        tagged: dict[str, list[Any]] = {}
        for article in articles:  # one pass (taxonomies compare by slug)
            category = getattr(article, "category", None)
            if category:
                categories[category.slug] = category  # the last one names it, as before
                in_category.setdefault(category.slug, []).append(article)
            for tag in dict.fromkeys(t.slug for t in getattr(article, "tags", None) or []):
                tagged.setdefault(tag, []).append(article)
            for tag in getattr(article, "tags", None) or []:
                tags[tag.slug] = tag
        for slug, category in sorted(categories.items()):
            name = {"name": category.name}
            yield self.feed(f"category:{slug}", _("Category: %(name)s") % name,
                            _("New articles in the category %(name)s.") % name,
                            urls.feed("CATEGORY_FEED_ATOM", slug=slug), category.url,
                            in_category[slug])
        for slug, tag in sorted(tags.items()):
            name = {"name": tag.name}
            yield self.feed(f"tag:{slug}", _("Tag: %(name)s") % name,
                            _("New articles tagged %(name)s.") % name,
                            urls.feed("TAG_FEED_ATOM", slug=slug), tag.url, tagged[slug])

    def series_and_authors(self) -> Iterable[Feed | None]:
        _ = self.catalogs(self.lang).gettext
        hub, urls = self.hub, self.hub.urls
        for slug, series in hub.blog.series.items():
            yield self.feed(f"series:{slug}", series.title, series.description or (
                _("Each new article of the series %(title)s.") % {"title": series.title}),
                urls.feed("SERIES_FEED_ATOM", slug=slug), urls.url("blog"),
                hub.blog.in_series(slug))
        if hub.members is None:
            return
        by_author: dict[str, list[Any]] = {}  # one pass over the articles, not one per member
        for article in hub.blog.articles:
            for slug in dict.fromkeys(str(getattr(x, "slug", x))
                                      for x in getattr(article, "authors", None) or []):
                by_author.setdefault(slug, []).append(article)
        for member in hub.members.listed:
            written = by_author.get(member.slug, [])
            if written:
                name = {"name": member.name}
                yield self.feed(f"author:{member.slug}", _("Articles by %(name)s") % name,
                                _("New articles by %(name)s.") % name,
                                urls.feed("AUTHOR_FEED_ATOM", slug=member.slug), member.url,
                                written)


def blog_feeds(hub: Hub, catalogs: Catalogs, limit: int) -> list[Feed]:
    builder = BlogFeeds(hub, catalogs, limit)
    found = [*builder.all(), *builder.taxonomies(), *builder.series_and_authors()]
    return [f for f in found if f is not None]
