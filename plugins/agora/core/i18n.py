"""Interface strings and dates in the language of each page.

Templates mark every interface string with ``{{ _("...") }}`` (jinja2.ext.i18n,
English message ids). Catalogs live in ``theme/translations/<lang>/LC_MESSAGES/
messages.po`` and are compiled in memory with Babel at build time, so no binary
``.mo`` file is kept in git. The gettext functions read the language of the page
being rendered (``lang``, ``page.lang``, ``article.lang``), so one theme serves
the French hub and its English translations.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import pass_context

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
    if form in ("full", "long", "medium", "short"):
        day = _format_day(value.date(), "full" if form == "full" else "long", _locale(context))
        return f"{day}, {format_time(value, format='short', locale=_locale(context))}"
    return format_datetime(value, format=form, locale=_locale(context))


@pass_context
def time_filter(context: Any, value: datetime | None) -> str:
    return "" if value is None else format_time(value, format="short", locale=_locale(context))


@pass_context
def month_filter(context: Any, value: date | datetime) -> str:
    """"décembre 2026": headings of listings grouped by month."""
    return _format_day(_day(value), "LLLL yyyy", _locale(context))


FILTERS = {
    "agora_date": date_filter,
    "agora_datetime": datetime_filter,
    "agora_time": time_filter,
    "agora_month": month_filter,
}


def install(env: Any, theme_path: str | Path) -> None:
    """Install page-language gettext and date filters into a Jinja environment."""
    translator = Translator(load_catalogs(theme_path))
    gettext_, ngettext_, pgettext_, npgettext_ = translator.callables()
    env.install_gettext_callables(gettext_, ngettext_, newstyle=True,
                                  pgettext=pgettext_, npgettext=npgettext_)
    env.filters.update(FILTERS)
