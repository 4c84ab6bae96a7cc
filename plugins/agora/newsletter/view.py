"""What the hub knows of the newsletter (``hub.newsletter``): the issues published so far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Edition:
    """An issue in one language: its subject, preheader and web version."""

    lang: str
    subject: str
    preheader: str
    url: str  # the web version, relative to the site root
    web_html: str  # the body of the web version (the archive page and the feed show it)


@dataclass(frozen=True)
class Issue:
    id: str
    number: int
    date: date
    published: datetime
    editions: Mapping[str, Edition]
    default_lang: str

    def edition(self, lang: str | None) -> Edition:
        """The edition in ``lang``, else the default language's."""
        return self.editions.get(lang or "") or self.editions[self.default_lang]


@dataclass
class NewsletterView:
    """Every published issue, newest first."""

    issues: list[Issue] = field(default_factory=list)
