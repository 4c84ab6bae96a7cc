"""An assembled issue, as plain data: what every output (web, email, text, feed) renders.

Assembly (:mod:`agora.newsletter.assemble`) reads the hub once and produces an
:class:`IssueData` whose strings are final (translated titles, formatted dates,
absolute links), so the web version, the HTML email and the plain-text part
say the same thing, and an issue kept by ``agora newsletter build`` (JSON in
``AGORA_NEWSLETTER_ISSUES_DIR``) is published exactly as it was assembled.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Image:
    """An image of an email: absolute URL, its size in CSS pixels, and its text alternative."""

    url: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class Item:
    """One entry of a section: an article, an event, a thread, a member..."""

    title: str
    url: str = ""  # absolute
    text: str = ""  # one or two plain sentences
    when: str = ""  # formatted date or time line
    meta: str = ""  # e.g. "12 replies · Potager"
    links: tuple[Link, ...] = ()
    image: Image | None = None


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    items: tuple[Item, ...] = ()
    text: str = ""  # a sentence before the items (the charter reminder...)
    html: str = ""  # the editorial (Markdown rendered when the issue is assembled)
    counts_as_news: bool = True  # the charter reminder alone does not make an issue


@dataclass(frozen=True)
class EditionData:
    """An issue in one language."""

    lang: str
    subject: str
    preheader: str
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class IssueData:
    id: str
    number: int
    date: dt.date
    since: dt.date | None
    default_lang: str
    editions: dict[str, EditionData] = field(default_factory=dict)

    def edition(self, lang: str | None) -> EditionData:
        return self.editions.get(lang or "") or self.editions[self.default_lang]


def has_news(edition: EditionData) -> bool:
    """Whether there is anything new to tell (an editorial, or a section that counts)."""
    return any((s.items or s.html) and s.counts_as_news for s in edition.sections)


# --- kept issues ---------------------------------------------------------------------------

def to_json(issue: IssueData) -> str:
    data = {"format": FORMAT, **asdict(issue)}
    data["date"] = issue.date.isoformat()
    data["since"] = issue.since.isoformat() if issue.since else None
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _item(data: dict[str, Any]) -> Item:
    image = data.get("image")
    return Item(**{**data, "links": tuple(Link(**link) for link in data.get("links") or ()),
                   "image": Image(**image) if image else None})


def _edition(data: dict[str, Any]) -> EditionData:
    sections = tuple(Section(**{**s, "items": tuple(_item(i) for i in s.get("items") or ())})
                     for s in data.get("sections") or ())
    return EditionData(**{**data, "sections": sections})


def from_json(text: str, source: Path) -> IssueData:
    """An issue kept by ``agora newsletter build``; ValueError names the file when unreadable."""
    try:
        data = json.loads(text)
        if data.pop("format", None) != FORMAT:
            raise ValueError(f'expected "format": {FORMAT}')
        editions = {lang: _edition(e) for lang, e in data.pop("editions").items()}
        since = data.pop("since")
        return IssueData(**{**data, "date": dt.date.fromisoformat(data.pop("date")),
                            "since": dt.date.fromisoformat(since) if since else None,
                            "editions": editions})
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{source}: expected an issue written by `agora newsletter build`, "
                         f"found {type(exc).__name__}: {exc}") from None
