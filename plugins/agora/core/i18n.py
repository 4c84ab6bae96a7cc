"""Interface strings and dates in the language of each page.

Templates mark every interface string with ``{{ _("...") }}`` (jinja2.ext.i18n,
English message ids). Catalogs live in ``theme/translations/<lang>/LC_MESSAGES/
messages.po`` and are compiled in memory with Babel at build time, so no binary
``.mo`` file is kept in git. The gettext functions read the language of the page
being rendered (``lang``, ``page.lang``, ``article.lang``), so one theme serves
the French hub and its English translations.

Dates and times go through Babel only (the ``agora_date``, ``agora_datetime``,
``agora_time`` and ``agora_month`` filters, and :func:`format_when` for text
written outside templates), in the page's language. :func:`page_versions`
says which languages the page being rendered exists in (hreflang links, the
language switcher); the ``url()`` of templates gives a named page in the
page's language when the site has it there.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from babel import Locale, UnknownLocaleError
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    get_datetime_format,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import pass_context
from markupsafe import Markup
from pelican.paginator import Page

_CATALOG_CACHE: dict[str, tuple[int, gettext.NullTranslations]] = {}


def load_catalog(po_path: Path) -> gettext.NullTranslations:
    """Compile a ``.po`` file in memory (cached against its modification time)."""
    key = str(po_path)
    stamp = po_path.stat().st_mtime_ns
    cached = _CATALOG_CACHE.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    _CATALOG_CACHE[key] = (stamp, translations)
    return translations


def load_catalogs(theme_path: str | Path) -> dict[str, gettext.NullTranslations]:
    root = Path(theme_path) / "translations"
    catalogs: dict[str, gettext.NullTranslations] = {}
    if root.is_dir():
        for po in sorted(root.glob("*/LC_MESSAGES/messages.po")):
            catalogs[po.parent.parent.name] = load_catalog(po)
    return catalogs


def catalogs_for(settings: Mapping[str, Any]) -> Callable[[str], gettext.NullTranslations]:
    """The theme's catalogs by language, for strings outside templates (calendars, feeds)."""
    return Translator(load_catalogs(settings["THEME"])).for_lang


def gettext_for(settings: Mapping[str, Any], lang: str) -> Callable[[str], str]:
    """Interface strings in ``lang`` outside templates (calendars, feeds, email)."""
    return catalogs_for(settings)(lang).gettext


def page_lang(context: Mapping[str, Any]) -> str:
    """The language of what is being rendered."""
    lang = context.get("lang")
    if isinstance(lang, str) and lang:
        return lang
    for name in ("article", "page", "event", "member"):
        obj = context.get(name)
        if obj is not None and getattr(obj, "lang", None):
            return obj.lang
    return context.get("DEFAULT_LANG", "en")


class Translator:
    """gettext callables bound to the page language, for ``install_gettext_callables``."""

    def __init__(self, catalogs: Mapping[str, gettext.NullTranslations]):
        self.catalogs = catalogs
        self.null = gettext.NullTranslations()

    def for_lang(self, lang: str) -> gettext.NullTranslations:
        return self.catalogs.get(lang) or self.catalogs.get(lang.split("_")[0]) or self.null

    def callables(self) -> tuple[Any, Any, Any, Any]:
        # A page calls gettext dozens of times: its catalog is looked up once per
        # template context (the last one is remembered), not at every string.
        last: list[Any] = [None, self.null]

        def catalog(context: Any) -> gettext.NullTranslations:
            if last[0] is not context:
                last[0], last[1] = context, self.for_lang(page_lang(context))
            return cast(gettext.NullTranslations, last[1])

        @pass_context
        def _gettext(context: Any, message: str) -> str:
            return catalog(context).gettext(message)

        @pass_context
        def _ngettext(context: Any, singular: str, plural: str, n: int) -> str:
            return catalog(context).ngettext(singular, plural, n)

        @pass_context
        def _pgettext(context: Any, ctx: str, message: str) -> str:
            return catalog(context).pgettext(ctx, message)

        @pass_context
        def _npgettext(context: Any, ctx: str, singular: str, plural: str, n: int) -> str:
            return catalog(context).npgettext(ctx, singular, plural, n)

        return _gettext, _ngettext, _pgettext, _npgettext


def _locale(context: Any) -> str:
    return page_lang(context).replace("-", "_")


@lru_cache(maxsize=16384)
def _format_day(day: date, form: str, locale: str) -> str:
    """Babel's ``format_date`` for a plain date, memoized: a pure function of its
    arguments, called for every date on every listing (~3 % of a 2,000-article build).
    """
    return format_date(day, format=form, locale=locale)


def _day(value: date | datetime) -> date:
    """The calendar day as written (an aware datetime's date in its own zone)."""
    return value.date() if isinstance(value, datetime) else value


def format_day(value: date | datetime, lang: str, form: str = "long") -> str:
    """"3 décembre 2026" in ``lang``: dates outside templates (feeds, newsletter)."""
    return _format_day(_day(value), form, lang.replace("-", "_"))


@lru_cache(maxsize=64)
def _datetime_pattern(form: str, locale: str) -> str:
    """How the locale joins a date ({1}) and a time ({0}): "{1}, {0}" in French and English."""
    return str(get_datetime_format(cast(Any, form), locale=locale)).replace("'", "")


def format_when(value: datetime, lang: str, form: str = "medium") -> str:
    """Date and time in ``lang``, in the value's own time zone.

    ``full``, ``long``, ``medium``, ``short``: the day (weekday included for
    ``full``) and a short time, joined as the locale joins them ("jeudi 3
    décembre 2026, 18:00", "Thursday, December 3, 2026, 6:00 PM"). Any other
    ``form`` is a Babel date-time pattern.
    """
    return _format_when(value, value.tzinfo, lang.replace("-", "_"), form)


@lru_cache(maxsize=8192)
def _format_when(value: datetime, zone: Any, locale: str, form: str) -> str:
    """:func:`format_when`, memoized: the same moments (a snapshot's date, an event's
    start) are shown on many pages. ``zone`` is in the key: equal instants in two
    zones are equal datetimes, written differently."""
    if form in ("full", "long", "medium", "short"):
        day = _format_day(value.date(), "full" if form == "full" else "long", locale)
        time = format_time(value, format="short", locale=locale)
        return _datetime_pattern(form, locale).replace("{1}", day).replace("{0}", time)
    return format_datetime(value, format=form, locale=locale)


@pass_context
def date_filter(context: Any, value: date | datetime | None, form: str = "long") -> str:
    """``{{ article.date|agora_date }}`` → "3 décembre 2026" on a French page."""
    if value is None:
        return ""
    return _format_day(_day(value), form, _locale(context))


@pass_context
def datetime_filter(context: Any, value: datetime | None, form: str = "medium") -> str:
    """Date and time in the value's own time zone, in the page's language."""
    if value is None:
        return ""
    return format_when(value, page_lang(context), form)


@pass_context
def time_filter(context: Any, value: datetime | None) -> str:
    return "" if value is None else format_time(value, format="short", locale=_locale(context))


@lru_cache(maxsize=1024)
def _format_month(month: date, locale: str) -> str:
    return format_skeleton("yMMMM", month, locale=locale)


@pass_context
def month_filter(context: Any, value: date | datetime) -> str:
    """"décembre 2026", "December 2026": headings of listings grouped by month."""
    day = _day(value)
    return _format_month(date(day.year, day.month, 1), _locale(context))


@lru_cache(maxsize=256)
def language_name(code: str, in_lang: str | None = None) -> str:
    """The name of a language: in ``in_lang`` ("anglais"), or its own name ("English")."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
        name = locale.get_display_name(Locale.parse((in_lang or code).replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        return code
    return name or code


@pass_context
def language_name_filter(context: Any, code: str, own: bool = False) -> str:
    """``{{ "fr"|language_name }}`` → "French" on an English page; ``own=True``: "français"."""
    return language_name(code, None if own else page_lang(context))


FILTERS = {
    "agora_date": date_filter,
    "agora_datetime": datetime_filter,
    "agora_time": time_filter,
    "agora_month": month_filter,
    "language_name": language_name_filter,
}


# --- the page in other languages -------------------------------------------------------

@dataclass(frozen=True)
class Version:
    """The page being rendered in one language: hreflang links and the language switcher."""

    lang: str
    url: str
    current: bool


def _content(context: Mapping[str, Any]) -> Any:
    """The content object a page renders (article, page, event, member), if any."""
    for name in ("article", "page"):
        obj = context.get(name)
        if obj is not None and getattr(obj, "lang", None):
            return obj
    return None


def versions(hub: Any, obj: Any = None, name: str | None = None,
             params: Mapping[str, Any] | None = None, number: int = 1,
             paginator: Any = None) -> dict[str, str]:
    """Language -> URL of one page in every language it exists in (the site's order).

    A content object: itself and its translations. A named page of
    :data:`agora.urls.PER_LANGUAGE` (with ``params``): the same page in each
    language of the site; page ``number`` of a paginated listing: the same page
    number (``paginator`` says how its URLs are made). For hreflang links, the
    language switcher, a sitemap's alternates.
    """
    found: dict[str, str] = {}
    if obj is not None:
        for item in [obj, *(getattr(obj, "translations", None) or ())]:
            found.setdefault(item.lang, item.url)
    elif name:
        for lang in hub.languages:
            url = hub.urls.url(name, lang=lang, **(params or {}))
            if number > 1 and paginator is not None:
                save_as = hub.urls.save_as(name, lang=lang, **(params or {}))
                url = Page(save_as, url, [], number, paginator, paginator.settings).url
            found[lang] = url
    order = [*hub.languages, *sorted(set(found) - set(hub.languages))]
    return {lang: found[lang] for lang in order if lang in found}


@pass_context
def page_versions(context: Any) -> list[Version]:
    """The page being rendered in every language it exists in; [] when only in one.

    Content pages are found by their object (``article``, ``page``); named pages
    by the ``url_name`` and ``url_params`` the generators pass (templates of
    Pelican's own listings set ``url_name``).
    """
    hub = context.get("hub")
    if hub is None or len(hub.languages) < 2:
        return []
    page = context.get("articles_page")
    found = versions(hub, _content(context), context.get("url_name"),
                     context.get("url_params"), getattr(page, "number", 1),
                     context.get("articles_paginator"))
    if len(found) < 2:
        return []
    here = page_lang(context)
    return [Version(lang, url, lang == here) for lang, url in found.items()]


def url_function(default: Callable[..., str]) -> Callable[..., str]:
    """The ``url()`` of templates: a named page in the page's language when it exists.

    ``url("events")`` is ``events/`` on a French page and ``en/events/`` on an
    English one; ``url("charter")`` the English charter only where there is one.
    ``lang=`` asks for a language explicitly. Outside a build (no hub), ``default``.
    """

    @pass_context
    def url(context: Any, name: str, lang: str | None = None, **params: Any) -> str:
        hub = context.get("hub")
        if hub is None or not hasattr(hub, "url") or len(hub.languages) < 2:
            return default(name, lang=lang, **params)  # a site in one language
        return str(hub.url(name, lang or page_lang(context), **params))

    return url


def direct_gettext(plain: Callable[..., str]) -> Callable[..., str]:
    """Jinja's new-style ``gettext`` in one call instead of three.

    ``{{ _("...") }}`` goes through an alias, Jinja's wrapper and the page's
    catalog, each a context call; a page makes dozens of them. This does what
    the three do: translate, mark safe when autoescaping, fill ``%(name)s``.
    """

    @pass_context
    def gettext_(context: Any, message: str, **variables: Any) -> str:
        text: str = plain(context, message)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext_


def install(env: Any, theme_path: str | Path) -> None:
    """Install page-language gettext and date filters into a Jinja environment."""
    translator = Translator(load_catalogs(theme_path))
    gettext_, ngettext_, pgettext_, npgettext_ = translator.callables()
    env.install_gettext_callables(gettext_, ngettext_, newstyle=True,
                                  pgettext=pgettext_, npgettext=npgettext_)
    env.globals["gettext"] = env.globals["_"] = direct_gettext(gettext_)
    env.filters.update(FILTERS)
