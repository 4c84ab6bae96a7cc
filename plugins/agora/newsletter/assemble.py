"""Assembling issues from the hub: which are due, what each says, in every language.

An issue at date D covers what happened since the previous issue (``[since,
D)`` in the site's zone; the first issue covers one cadence period) and what is
coming after D. Sections come in the order of ``AGORA_NEWSLETTER_SECTIONS``. An
issue with nothing new is not produced, and the next one covers its window
too. An issue kept by ``agora newsletter build`` (JSON in
``AGORA_NEWSLETTER_ISSUES_DIR``) is taken as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from agora.core.i18n import format_day
from agora.feeds.model import Catalogs
from agora.feeds.render import absolute_html
from agora.hub import Hub
from agora.newsletter.model import EditionData, IssueData, Section, from_json, has_news
from agora.newsletter.schedule import issue_dates, period
from agora.newsletter.sections import BUILDERS, IssueContext
from agora.newsletter.sections.context import plain


@dataclass(frozen=True)
class IntroText:
    subject: str
    preheader: str
    html: str


def edition_languages(hub: Hub, intros: Mapping[tuple[date, str], Any]) -> list[str]:
    """The default language first, then every other language the hub's content has."""
    default = hub.urls.default_lang
    others = set(hub.blog.languages()) | {lang for _, lang in intros}
    if hub.charter is not None:
        others |= set(hub.charter.in_force)
    return [default, *sorted(others - {default})]


def midnight(day: date, hub: Hub) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=hub.zone)


def default_subject(context: IssueContext, number: int) -> str:
    site = str(context.hub.urls.settings.get("SITENAME") or "")
    return context._("%(site)s — issue %(number)s, %(date)s", site=site, number=number,
                     date=format_day(context.day, context.lang))


def preheader(sections: list[Section], context: IssueContext) -> str:
    """"3 nouveaux articles · 2 événements à venir": what the issue holds, in one line."""
    count = {s.name: len(s.items) for s in sections}
    ngettext = context.catalog.ngettext
    phrases: dict[str, Callable[[int], str]] = {
        "articles": lambda n: ngettext("%(num)s new article", "%(num)s new articles", n),
        "events": lambda n: ngettext("%(num)s event coming up", "%(num)s events coming up", n),
        "forum": lambda n: ngettext("%(num)s lively discussion", "%(num)s lively discussions",
                                    n),
    }
    return " · ".join(phrase(count[name]) % {"num": count[name]}
                      for name, phrase in phrases.items() if count.get(name))


def edition(hub: Hub, lang: str, window: tuple[date, datetime, datetime], number: int,
            intro: IntroText | None, catalogs: Catalogs) -> EditionData:
    day, start, end = window
    base = IssueContext(hub, lang, day, start, end, catalogs(lang),
                        intro_html=intro.html if intro else "")
    sections = []
    for name, title, limit in hub.options.newsletter_sections:
        context = IssueContext(base.hub, lang, day, start, end, base.catalog, limit, title,
                               base.intro_html)
        found = BUILDERS[name](context)
        if found is not None:
            sections.append(found)
    subject = (intro.subject if intro and intro.subject else default_subject(base, number))
    return EditionData(lang, plain(subject), intro.preheader if intro and intro.preheader
                       else preheader(sections, base), tuple(sections))


def intro_text(intro: Any, hub: Hub) -> IntroText:
    page = hub.urls.absolute("")
    return IntroText(str(getattr(intro, "subject", "") or ""),
                     str(getattr(intro, "preheader", "") or ""),
                     absolute_html(intro.get_content(hub.urls.public_base), page))


def assemble(hub: Hub, day: date, since: date | None, number: int,
             intros: Mapping[tuple[date, str], Any], catalogs: Catalogs) -> IssueData | None:
    """The issue of ``day``, or None when there is nothing new to tell."""
    start_day = since or (day - period(hub.options.newsletter_cadence))
    window = (day, midnight(start_day, hub), midnight(day, hub))
    editions = {}
    for lang in edition_languages(hub, intros):
        intro = intros.get((day, lang))
        text = intro_text(intro, hub) if intro is not None else None
        editions[lang] = edition(hub, lang, window, number, text, catalogs)
    default = hub.urls.default_lang
    if not has_news(editions[default]):
        return None
    return IssueData(day.isoformat(), number, day, since, default, editions)


def kept_issues(folder: Path) -> dict[date, IssueData]:
    """Issues kept by ``agora newsletter build``, by date (ValueError names a broken file)."""
    kept = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        issue = from_json(path.read_text(encoding="utf-8"), path)
        kept[issue.date] = issue
    return kept


def due_issues(hub: Hub, intros: Mapping[tuple[date, str], Any], kept: Mapping[date, IssueData],
               catalogs: Catalogs, until: date | None = None) -> list[IssueData]:
    """Every issue due by ``until`` (default: today), oldest first, numbered in order."""
    last = until or hub.today
    extra = {day for day, _ in intros} | set(kept)
    issues: list[IssueData] = []
    since: date | None = None
    for day in issue_dates(hub.options, extra, last):
        number = issues[-1].number + 1 if issues else 1
        issue = kept.get(day) or assemble(hub, day, since, number, intros, catalogs)
        if issue is not None:
            issues.append(issue)
            since = day
    return issues
