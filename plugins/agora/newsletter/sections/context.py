"""What a section sees of one issue: the hub, the window, the language, its title and limit."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from agora.hub import Hub


def N_(message: str) -> str:
    """Mark a message id for extraction (Babel looks for this name); it is translated where
    it is shown."""
    return message


#: Section titles (English message ids; AGORA_NEWSLETTER_SECTIONS may replace them).
TITLES: Mapping[str, str] = {
    "intro": N_("Editorial"), "articles": N_("New on the blog"), "events": N_("Coming up"),
    "forum": N_("Hot on the forum"), "feedback": N_("You said, we did"),
    "spotlight": N_("Member spotlight"), "members": N_("Welcome and anniversaries"),
    "charter": N_("Our charter"),
}


@dataclass(frozen=True)
class IssueContext:
    """One issue in one language. ``start``/``end`` bound what is new: ``[start, end)``."""

    hub: Hub
    lang: str
    day: date
    start: datetime
    end: datetime
    catalog: gettext.NullTranslations
    limit: int | None = None
    title_setting: Any = None
    intro_html: str = ""

    def _(self, message: str, **values: Any) -> str:
        text = self.catalog.gettext(message)
        return text % values if values else text

    def plural(self, singular: str, plural: str, count: int, **values: Any) -> str:
        return self.catalog.ngettext(singular, plural, count) % {"num": count, **values}

    def title(self, name: str) -> str:
        """The section's title: the setting's (text, or text per language), else the default."""
        configured = self.title_setting
        if isinstance(configured, Mapping):
            configured = configured.get(self.lang) or configured.get(self.hub.urls.default_lang)
        return str(configured) if configured else self._(TITLES[name])

    def limited(self, items: list[Any], default: int) -> list[Any]:
        return items[: self.limit or default]

    def absolute(self, url: str) -> str:
        return self.hub.urls.absolute(url)


def plain(value: Any) -> str:
    """Text without markup (titles and summaries may hold HTML)."""
    return " ".join(Markup(str(value or "")).striptags().split())


def in_language(obj: Any, lang: str) -> Any:
    """``obj`` or its translation in ``lang``."""
    if getattr(obj, "lang", lang) == lang:
        return obj
    return next((t for t in getattr(obj, "translations", None) or [] if t.lang == lang), obj)
