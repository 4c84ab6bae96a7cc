"""The blog's feeds: everything, per language, per category, tag, series and member.

Each language of the site has its own category, tag and series feeds, as it
has its own listings (and an author's, where the author has a page in it):
the same articles, each in that language where it is translated, the terms
and series named as that language names them.

Entries carry the full article with absolute links, the summary, categories
and tags, and the names of authors who may be named: a member who has not
consented to a public profile is never named, here or anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, partial
from typing import Any

from markupsafe import Markup

from agora.clock import aware
from agora.content.types import Series
from agora.core.i18n import language_name
from agora.core.taxonomy import TermsView, terms_view
from agora.feeds.model import Catalogs, Entry, Feed, LazyText, Texts, feed_texts, titled
from agora.feeds.render import absolute_html
from agora.hub import Hub, translated, translation_of

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
        content_html=LazyText(partial(entry_html, article, urls.public_base, page)),
        summary=plain(getattr(article, "summary", "")),
        authors=author_names(article, hub),
        categories=tuple(dict.fromkeys([*([str(category)] if category else []), *tags])),
        lang=article.lang)


def entry_html(article: Any, base: str, page: str) -> str:
    """The article's body for feed readers: its links absolute."""
    return absolute_html(article.get_content(base), page)


class BlogFeeds:
    """Builds the blog's feeds of one hub (see the module doc)."""

    def __init__(self, hub: Hub, catalogs: Catalogs, limit: int):
        self.hub = hub
        self.catalogs = catalogs
        self.limit = limit
        self.lang = hub.urls.default_lang
        # an article is in several feeds (all, category, tags, series, author): its entry,
        # absolute links and all, is made once
        self.entries: dict[int, Entry] = {}

    def entry(self, article: Any) -> Entry:
        found = self.entries.get(id(article))
        if found is None:
            found = self.entries[id(article)] = article_entry(article, self.hub)
        return found

    def feeds(self, key: str, setting: str, texts: Texts, page_url: str,
              articles: Sequence[Any], lang: str | None = None, rss_texts: Texts | None = None,
              under_lang: bool = False, **params: Any) -> Iterable[Feed]:
        """The Atom feed of ``<setting>_ATOM`` and the RSS one of ``<setting>_RSS``, when set.

        ``texts(gettext, site name)`` gives a feed's title and description in a language.
        ``under_lang``: the feed of a page in ``lang``, at the setting's path under
        ``<lang>/`` (as the page is).
        """
        entries = tuple(self.entry(a) for a in articles[: self.limit])
        lang = lang or self.lang
        for fmt, suffix, wording in (("atom", "", texts), ("rss", ":rss", rss_texts or
                                                           partial(as_rss, texts))):
            path = self.hub.urls.feed(f"{setting}_{fmt.upper()}",
                                      for_lang=lang if under_lang else None, lang=lang, **params)
            if path:
                titles = feed_texts(self.hub, self.catalogs, wording, lang)
                yield Feed(key + suffix, "blog", *titles[lang], path, page_url, lang, fmt,
                           entries, titles)

    def all(self) -> Iterable[Feed]:
        blog, urls = self.hub.blog, self.hub.urls
        yield from self.feeds("all", "FEED_ALL", everything, urls.url("blog"), blog.articles,
                              rss_texts=everything_rss)
        for lang in blog.languages():
            if lang == self.lang:
                continue
            written_in = [a for a in blog.translations if a.lang == lang]
            yield from self.feeds(f"all:{lang}", "TRANSLATION_FEED", partial(everything_in, lang),
                                  urls.url("blog", lang=lang), written_in, lang=lang)

    def keyed(self, key: str, lang: str) -> str:
        """A feed's key in ``lang``: its versions in other languages than the default add it
        (see :class:`~agora.feeds.model.Feed`)."""
        return key if lang == self.lang else f"{key}:{lang}"

    @cached_property
    def authors(self) -> dict[str, tuple[Any, list[Any]]]:
        """Each author's articles, by slug: bylines name only who may be named (members who
        consented, and other people)."""
        written: dict[str, tuple[Any, list[Any]]] = {}  # one pass, not one per author
        for article in self.hub.blog.articles:
            for author in dict((str(a.slug), a)
                               for a in getattr(article, "authors", None) or []).values():
                written.setdefault(str(author.slug), (author, []))[1].append(article)
        return dict(sorted(written.items()))

    def author_page(self, author: Any, lang: str, terms: TermsView) -> str | None:
        """The page of ``author`` in ``lang``: a member's profile translated into it, another
        author's page in it (:mod:`agora.core.taxonomy`); None when there is none."""
        if lang == self.lang:
            return str(author.url)
        members = self.hub.members
        member = members.profile_of(author) if members is not None else None
        if member is not None:
            profile = translation_of(member, lang)
            return str(profile.url) if profile.lang == lang else None
        shown = terms.of("author", author)
        return str(shown.url) if shown is not None else None

    def in_each_language(self) -> Iterable[Feed]:
        """The category, tag, series and author feeds of the pages in each language of the
        site (``category:<slug>``, ``category:<slug>:en``...): the articles those pages
        list, each in that language where it is translated, the terms and series named
        in it; an author's where the author has a page in that language."""
        for lang in self.hub.languages:
            terms = terms_view(self.hub.blog, lang, self.hub.urls)  # the views come later
            yield from self.terms_in(lang, terms)
            yield from self.series_in(lang)
            yield from self.authors_in(lang, terms)

    def terms_in(self, lang: str, terms: TermsView) -> Iterable[Feed]:
        for kind, setting, texts in (("category", "CATEGORY_FEED", in_category_named),
                                     ("tag", "TAG_FEED", tagged_with)):
            for term, articles in sorted(terms.listings(kind), key=lambda t: t[0].slug):
                yield from self.feeds(self.keyed(f"{kind}:{term.slug}", lang), setting,
                                      partial(texts, term.name), term.url, articles,
                                      lang=lang, under_lang=True, slug=term.slug)

    def series_in(self, lang: str) -> Iterable[Feed]:
        blog = self.hub.blog
        for slug, series in blog.series.items():
            yield from self.feeds(self.keyed(f"series:{slug}", lang), "SERIES_FEED",
                                  partial(in_series, series.in_language(lang)),
                                  self.hub.urls.url("blog", lang=lang),
                                  translated(blog.in_series(slug), lang), lang=lang,
                                  under_lang=True, slug=slug)

    def authors_in(self, lang: str, terms: TermsView) -> Iterable[Feed]:
        for slug, (author, articles) in self.authors.items():
            page = self.author_page(author, lang, terms)
            if page is not None:
                yield from self.feeds(self.keyed(f"author:{slug}", lang), "AUTHOR_FEED",
                                      partial(by_author, author.name), page,
                                      translated(articles, lang), lang=lang,
                                      under_lang=True, slug=slug)


# Each feed's (title, description) from a language's gettext and the site's name in it.

def as_rss(texts: Texts, _: Gettext, site: str) -> tuple[str, str]:
    """The RSS twin of a feed: the same title, said to be RSS."""
    title, about = texts(_, site)
    return f"{title} (RSS)", about


def everything(_: Gettext, site: str) -> tuple[str, str]:
    return titled(site, _("Blog")), _("Every new article, in full.")


def everything_rss(_: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Blog") + " (RSS)"),
            _("The same articles, for readers that only know RSS."))


def everything_in(lang: str, _: Gettext, site: str) -> tuple[str, str]:
    """The articles in ``lang``: "Blog (English)", whatever the page's language."""
    return (titled(site, _("Blog") + f" ({language_name(lang, lang)})"),
            _("Every new article, in full."))


def in_category_named(name: str, _: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Category: %(name)s") % {"name": name}),
            _("New articles in the category %(name)s.") % {"name": name})


def tagged_with(name: str, _: Gettext, site: str) -> tuple[str, str]:
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
    return [*builder.all(), *builder.in_each_language()]
