"""What the hub knows of the newsletter (``hub.newsletter``): the issues published so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from agora.newsletter.model import IssueData


@dataclass(frozen=True)
class Edition:
    """An issue in one language, as the site publishes it."""

    lang: str
    subject: str
    preheader: str
    url: str  # the web version, relative to the site root
    web_html: str  # the body of the web version (the feed carries it)


@dataclass(frozen=True)
class Issue:
    data: IssueData
    published: datetime  # midnight of the issue's date, in the site's zone
    editions: dict[str, Edition]
    #: made from the hub by this build, not kept by ``agora newsletter build``: it shows
    #: the content as this build read it
    assembled: bool = False

    @property
    def id(self) -> str:
        return self.data.id

    @property
    def number(self) -> int:
        return self.data.number

    def edition(self, lang: str | None) -> Edition:
        """The edition in ``lang``, else the default language's."""
        return self.editions.get(lang or "") or self.editions[self.data.default_lang]


@dataclass
class NewsletterView:
    """Every published issue, newest first."""

    issues: list[Issue] = field(default_factory=list)

    def latest(self) -> Issue | None:
        return self.issues[0] if self.issues else None

    def assembled_showing(self, url: str) -> bool:
        """Whether an issue this build assembled has an item for ``url`` (absolute): its
        pages and e-mails were made from what the page's content said then."""
        return any(item.url == url for issue in self.issues if issue.assembled
                   for edition in issue.data.editions.values()
                   for section in edition.sections for item in section.items)
