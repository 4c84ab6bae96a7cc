"""Every internal link, from the URL scheme in :mod:`agora.defaults`.

Pelican's own content (articles, pages, categories, tags) carries its ``url``;
everything Agora adds -- listings, calendars, profiles, feeds, the pages a
footer links -- is named here and resolved from the ``<NAME>_URL`` /
``<NAME>_SAVE_AS`` settings (a site may override any of them in
``pelicanconf.py``; :mod:`agora.defaults` holds the defaults). Templates call
the same helper: ``{{ SITEURL }}/{{ url("events") }}``.

URLs are relative to the site root, without a leading slash, like Pelican's.

Languages: a page in another language than ``DEFAULT_LANG`` has the same path
under ``/<lang>/`` (``events/`` -> ``en/events/``), unless the site sets a
``<NAME>_LANG_URL`` / ``<NAME>_LANG_SAVE_AS`` pattern (as Pelican does for
content). :meth:`Urls.url` with ``lang`` gives that pattern's URL;
:meth:`Urls.localized` gives the page the reader can actually open in a language
-- the named pages of :data:`PER_LANGUAGE` exist in every language of the
site, a Pelican page (charter, onboarding, about) only where it is translated --
and falls back to the default language's page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlparse

from agora import defaults
from agora.settings import options
from agora.state import build_state

#: Page name -> the setting prefix holding its patterns (``EVENTS`` -> ``EVENTS_URL``).
#: Names missing here are their own prefix upper-cased (``event_ics`` -> ``EVENT_ICS``).
ALIASES: Mapping[str, str] = {"blog": "INDEX", "forum": "FORUM_PAGE"}
#: Pages that are ordinary Pelican pages: their slug (the charter's comes from options).
PAGE_SLUGS: Mapping[str, str] = {"onboarding": "onboarding", "about": "about"}
#: Navigation labels of the named pages (English message ids, translated by templates).
LABELS: Mapping[str, str] = {
    "home": "Home", "blog": "Blog", "events": "Events", "members": "Members",
    "forum": "Forum", "charter": "Charter", "newsletter": "Newsletter",
    "onboarding": "Start here", "about": "About", "feeds": "Feeds",
}
#: Named pages written once per language of the site (home, listings, /feeds/...): the
#: generators write each under ``/<lang>/`` for every language the content has.
PER_LANGUAGE: frozenset[str] = frozenset({
    "home", "not_found", "blog", "archives", "events", "events_past", "event_format",
    "members", "forum", "newsletter", "feeds", "search",
    "categories", "category", "tags", "tag", "authors", "author",
})
_ABSOLUTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class SiteLanguages:
    """The languages of one build's content, and which Pelican pages exist in each.

    ``all`` starts with the default language; ``pages`` maps (page slug, language)
    to the URL of that page in that language.
    """

    default: str
    all: tuple[str, ...] = ()
    pages: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def __contains__(self, lang: object) -> bool:
        return lang in self.all


class Urls:
    """The URL scheme of one site: ``urls.url("event_ics", slug="ama")`` -> ``events/ama.ics``."""

    def __init__(self, settings: Mapping[str, Any], charter_slug: str = "charter"):
        self.settings = settings
        self.default_lang = str(settings.get("DEFAULT_LANG") or "en")
        self.slugs = {**PAGE_SLUGS, "charter": charter_slug}

    def pattern(self, name: str, kind: str = "URL", lang: str | None = None) -> str:
        """The ``<NAME>_[LANG_]URL`` or ``..._SAVE_AS`` pattern, the site's or Agora's default."""
        prefix = ALIASES.get(name, name.upper())
        if lang and lang != self.default_lang:
            key = f"{prefix}_LANG_{kind}"
            found = self.settings.get(key) or getattr(defaults, key, None)
            if found:
                return str(found)
            return "{lang}/" + self.pattern(name, kind)
        key = f"{prefix}_{kind}"
        value = self.settings.get(key)
        if value is None:
            value = getattr(defaults, key, None)
        if value is None:
            if kind == "URL" and self.settings.get(f"{prefix}_SAVE_AS") is not None:
                return str(self.settings[f"{prefix}_SAVE_AS"])  # a file: its path is its URL
            if kind == "URL" and getattr(defaults, f"{prefix}_SAVE_AS", None) is not None:
                return str(getattr(defaults, f"{prefix}_SAVE_AS"))
            raise KeyError(f"no URL pattern named {name!r} ({key})")
        return str(value)

    def url(self, name: str, lang: str | None = None, **params: Any) -> str:
        """The URL of a named page, relative to the site root."""
        if name in self.slugs and not params:
            params = {"slug": self.slugs[name]}
            return self._format(self.pattern("page", "URL", lang), lang, params)
        return self._format(self.pattern(name, "URL", lang), lang, params)

    def localized(self, name: str, lang: str | None, site: SiteLanguages, **params: Any) -> str:
        """The named page in ``lang`` when the site has it in that language, else the
        default language's (a charter nobody translated links the original).
        """
        if lang and lang != self.default_lang and lang in site:
            if name in self.slugs and not params:
                found = site.pages.get((self.slugs[name], lang))
                if found is not None:
                    return found
            elif name in PER_LANGUAGE:
                return self.url(name, lang=lang, **params)
        return self.url(name, **params)

    def save_as(self, name: str, lang: str | None = None, **params: Any) -> str:
        """Where the named page is written, relative to the output folder."""
        if name in self.slugs and not params:
            return self._format(self.pattern("page", "SAVE_AS", lang), lang,
                                {"slug": self.slugs[name]})
        return self._format(self.pattern(name, "SAVE_AS", lang), lang, params)

    def _format(self, pattern: str, lang: str | None, params: Mapping[str, Any]) -> str:
        return pattern.format(lang=lang or self.default_lang, **params)

    def feed(self, key: str, for_lang: str | None = None, **params: Any) -> str | None:
        """Where a feed is written, from a Pelican-style feed setting (``FEED_ALL_ATOM``,
        ``CATEGORY_FEED_ATOM``, ``EVENTS_FEED_ATOM``...); None when the site turns it off.

        The path doubles as the feed's URL, as in Pelican. With ``for_lang`` (not the
        default language), the same path under ``<lang>/``, like every other page
        (``TRANSLATION_FEED_ATOM`` names its language itself: ``lang=`` is a parameter).
        """
        pattern = self.settings.get(key, getattr(defaults, key, None))
        if not pattern:
            return None
        path = str(pattern).format(**params)
        return f"{for_lang}/{path}" if for_lang and for_lang != self.default_lang else path

    # -- absolute addresses ---------------------------------------------------------------

    @property
    def public_base(self) -> str:
        """The site's absolute address, for what leaves the site (feeds, calendars, email).

        ``SITEURL`` when it is absolute (production), else ``PUBLIC_SITEURL`` or
        ``FEED_DOMAIN`` (a local build still points subscribers at the public
        site); empty when none is known, and then URLs stay relative.
        """
        for name in ("SITEURL", "PUBLIC_SITEURL", "FEED_DOMAIN"):
            value = str(self.settings.get(name) or "")
            if value.startswith(("http://", "https://")):
                return value.rstrip("/")
        return ""

    @property
    def identity_base(self) -> str:
        """The public address that names things for good (feed ids, calendar UIDs).

        ``PUBLIC_SITEURL`` first: a staging or local build must give the same ids
        as the production site, or every reader shows every item again.
        """
        for name in ("PUBLIC_SITEURL", "SITEURL", "FEED_DOMAIN"):
            value = str(self.settings.get(name) or "")
            if value.startswith(("http://", "https://")):
                return value.rstrip("/")
        return ""

    @property
    def identity_host(self) -> str:
        """The public host name, or a stable name derived from ``SITENAME``."""
        host = urlparse(self.identity_base).hostname
        if host:
            return host
        name = re.sub(r"[^a-z0-9]+", "-",
                      str(self.settings.get("SITENAME") or "agora").lower()).strip("-")
        return f"{name or 'agora'}.invalid"

    def identity(self, url: str) -> str:
        """An id for what ``url`` names that never changes (feed entries, feeds).

        The public URL when the site has one; a tag URI (RFC 4151) on the stable
        host name otherwise.
        """
        base = self.identity_base
        if base:
            return f"{base}/{url.lstrip('/')}"
        return f"tag:{self.identity_host},2026:/{url.lstrip('/')}"

    def local(self, url: str) -> str | None:
        """The site path of one of the site's own absolute URLs (None for another site's).

        Data made for e-mail holds absolute URLs; a page of the site links them
        relative to ``SITEURL`` like every other internal link (previews, mirrors).
        """
        base = self.public_base
        if base and (url == base or url.startswith(base + "/")):
            return url[len(base):].lstrip("/")
        return None

    def absolute(self, url: str) -> str:
        """``url`` (relative to the site root) made absolute on the public site."""
        if _ABSOLUTE.match(url) or url.startswith("//"):
            return url
        base = self.public_base
        return f"{base}/{url.lstrip('/')}" if base else url


def urls_of(settings: Mapping[str, Any]) -> Urls:
    """The build's URL helper, or one made for these settings (commands, unit tests)."""
    state = build_state(settings)
    if state is not None:
        return state.urls
    return Urls(settings, options(settings).charter_main)


class ForumUrls:
    """Links into the community's Discourse forum (``/t/``, ``/u/``, ``/c/``, new topic)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def __bool__(self) -> bool:
        return bool(self.base)

    def topic(self, topic_id: int, slug: str | None = None) -> str:
        """A topic's address; without a slug the short form, which Discourse redirects."""
        return f"{self.base}/t/{slug}/{topic_id}" if slug else f"{self.base}/t/{topic_id}"

    def user(self, username: str) -> str:
        return f"{self.base}/u/{username}"

    def category(self, slug: str, category_id: int) -> str:
        return f"{self.base}/c/{slug}/{category_id}"

    def path(self, path: str) -> str:
        """A forum path (``/c/presentations/5``) or URL, as an absolute URL."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base}/{path.lstrip('/')}" if path else self.base

    def new_topic(self, title: str = "", body: str = "", category: str | None = None,
                  tags: list[str] | None = None) -> str:
        """A prefilled "ask the community" link opening a new topic."""
        params = {"title": title, "body": body, "category": category or "",
                  "tags": ",".join(tags or [])}
        return f"{self.base}/new-topic?{urlencode({k: v for k, v in params.items() if v})}"
