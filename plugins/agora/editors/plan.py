"""The editorial plan of the coming weeks, from what one build knows.

Day by day from today (on Agora's clock, in the site's zone): articles whose
date is still to come (scheduled) or today, drafts dated in the window,
event sessions (recurring ones expanded), newsletter issues due (from the
newsletter schedule, with the intro written for them, if any) and, for each
series of ``series.yml``, the slots its cadence expects
(:mod:`agora.editors.cadence`). A slot is filled by an article or event of
the series dated that day; otherwise it is a gap. A draft on a slot does not
fill it: a draft is never published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from agora import clock
from agora.content.lines import yaml_key_lines
from agora.content.reader import display_path
from agora.content.schema import content_model, read_front_matter
from agora.content.types import Series, series_file
from agora.editors.cadence import CadenceError, parse
from agora.problems import Problem, problem
from agora.state import BuildState

#: Entry statuses that leave a series slot open: nothing there will be published or held.
OPEN = ("gap", "draft", "cancelled", "postponed")


@dataclass(frozen=True)
class Entry:
    """One line of the calendar.

    ``kind``: slot (a series' expected date), article, event, newsletter.
    ``status``: published, scheduled, draft (articles and slots), gap (slots),
    due (newsletter issues), an event's own status (scheduled, cancelled...).
    """

    day: date
    kind: str
    status: str
    title: str = ""
    series: str = ""
    at: datetime | None = None
    source: str = ""
    key: str = ""  # stable identity: the calendar's UIDs are made from it

    @property
    def gap(self) -> bool:
        return self.kind == "slot" and self.status in OPEN

    def sort_key(self) -> tuple[date, int, str, str]:
        return (self.day, 0 if self.at is None else 1,
                self.at.strftime("%H:%M") if self.at else "", self.key)


@dataclass
class Plan:
    """The calendar of ``[start, end)``; ``problems``: cadences it could not read."""

    start: date
    end: date
    now: datetime
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cadences: dict[str, str] = field(default_factory=dict)  # series -> cadence as written

    @property
    def gaps(self) -> list[Entry]:
        return [e for e in self.entries if e.gap]

    def weeks(self) -> list[tuple[date, date, list[Entry]]]:
        """Seven-day blocks from the first day: (first day, last day, entries)."""
        blocks = []
        first = self.start
        while first < self.end:
            last = min(first + timedelta(days=6), self.end - timedelta(days=1))
            blocks.append((first, last, [e for e in self.entries if first <= e.day <= last]))
            first += timedelta(days=7)
        return blocks


def _local(moment: datetime, zone: Any) -> datetime:
    return clock.aware(moment, zone).astimezone(zone)


def _source(item: Any, settings: Mapping[str, Any]) -> str:
    return display_path(str(getattr(item, "source_path", "")), settings.get("PATH"))


def make_plan(state: BuildState, settings: Mapping[str, Any], weeks: int) -> Plan:
    """The plan of the ``weeks`` weeks from the build's today."""
    hub = state.hub
    start = hub.today
    plan = Plan(start, start + timedelta(weeks=weeks), hub.now)
    articles = [a for a in [*hub.blog.articles, *hub.blog.unpublished]
                if getattr(a, "in_default_lang", True)]
    pieces = [*_article_entries(articles, plan, hub.zone, settings),
              *_event_entries(state, plan, settings)]
    slots, placed = _series_entries(hub.blog.series, pieces, articles, plan, state, settings)
    plan.entries = sorted([*slots, *(p for p in pieces if p.key not in placed),
                           *_newsletter_entries(state, plan, settings)], key=Entry.sort_key)
    return plan


def _article_entries(articles: Iterable[Any], plan: Plan, zone: Any,
                     settings: Mapping[str, Any]) -> list[Entry]:
    found = []
    for article in articles:
        at = _local(article.date, zone)
        if not plan.start <= at.date() < plan.end:
            continue
        status = ("published" if article.status != "draft" else
                  "scheduled" if getattr(article, "scheduled", False) else "draft")
        found.append(Entry(at.date(), "article", status, str(article.title),
                           str(getattr(article, "series", "") or ""), at,
                           _source(article, settings), f"article-{article.slug}"))
    return found


def _event_entries(state: BuildState, plan: Plan, settings: Mapping[str, Any]) -> list[Entry]:
    events = state.hub.events
    if events is None:
        return []
    zone = state.hub.zone
    found = []
    for session in events.between(clock.local_midnight(plan.start, settings),
                                  clock.local_midnight(plan.end, settings)):
        at = session.start.astimezone(zone)
        event = session.event
        found.append(Entry(at.date(), "event", str(event.event_status), str(event.title),
                           str(getattr(event, "series", "") or ""), at,
                           _source(event, settings),
                           f"event-{event.slug}-{session.start.strftime('%Y%m%dT%H%M')}"))
    return found


def _series_entries(declared: Mapping[str, Series], pieces: list[Entry], articles: list[Any],
                    plan: Plan, state: BuildState, settings: Mapping[str, Any]
                    ) -> tuple[list[Entry], set[str]]:
    """Each series' slots, filled by the article or event of the series dated that day."""
    zone = state.hub.zone
    spotlight = next((s.slug for s in declared.values() if s.spotlight), "")
    spotlights = _spotlights(articles)
    slots: list[Entry] = []
    placed: set[str] = set()
    for slug, series in declared.items():
        if not series.cadence:
            continue
        plan.cadences[slug] = series.cadence
        try:
            cadence = parse(series.cadence)
        except CadenceError as exc:
            plan.problems.append(cadence_problem(slug, str(exc), series.cadence, settings))
            continue
        habit = [_local(a.date, zone).date() for a in articles
                 if a.status != "draft" or getattr(a, "scheduled", False)
                 if _series_of(a, spotlight) == slug]
        for day in cadence.slots(plan.start, plan.end, habit):
            on_day = [p for p in pieces if p.day == day and p.key not in placed and (
                p.series == slug or (slug == spotlight and p.kind == "article" and not p.series
                                     and p.key in spotlights))]
            live = [p for p in on_day if p.status not in OPEN]
            chosen = live[0] if live else (on_day[0] if on_day else None)
            if chosen is not None:
                placed.add(chosen.key)
            slots.append(Entry(day, "slot", chosen.status if chosen else "gap",
                               chosen.title if chosen else "", slug,
                               chosen.at if chosen else None, chosen.source if chosen else "",
                               f"slot-{slug}-{day.isoformat()}"))
    return slots, placed


def _series_of(article: Any, spotlight: str) -> str:
    named = str(getattr(article, "series", "") or "")
    return named or (spotlight if getattr(article, "spotlight", None) else "")


def _spotlights(articles: Iterable[Any]) -> set[str]:
    return {f"article-{a.slug}" for a in articles
            if getattr(a, "spotlight", None) and not getattr(a, "series", None)}


def _newsletter_entries(state: BuildState, plan: Plan, settings: Mapping[str, Any]
                        ) -> list[Entry]:
    """Issues due in the window (the cadence's and the special ones), with their intros."""
    if "newsletter" not in content_model(settings).types:
        return []
    from agora.newsletter.intro import issue_day  # noqa: PLC0415 - the newsletter's own rules
    from agora.newsletter.schedule import issue_dates  # noqa: PLC0415

    folders = [Path(settings["PATH"]) / str(p) for p in settings.get("NEWSLETTER_PATHS", ())]
    intros = {day: path for folder in folders for path in sorted(folder.glob("*.md"))
              if (day := issue_day(path.name)) is not None and path.stem == day.isoformat()}
    found = []
    for day in issue_dates(state.options, set(intros), plan.end - timedelta(days=1)):
        if day < plan.start:
            continue
        intro = intros.get(day)
        subject = str(read_front_matter(intro).get("subject") or "") if intro else ""
        found.append(Entry(day, "newsletter", "due", subject, "",
                           datetime.combine(day, time(0), tzinfo=state.hub.zone),
                           display_path(str(intro), settings.get("PATH")) if intro else "",
                           f"newsletter-{day.isoformat()}"))
    return found


# --- problems -------------------------------------------------------------------------------

def _series_lines(settings: Mapping[str, Any]) -> tuple[str, dict[str, int]]:
    path = series_file(settings)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    return display_path(str(path), settings.get("PATH")), yaml_key_lines(text)


def cadence_problem(slug: str, expected: str, found: str, settings: Mapping[str, Any]
                    ) -> Problem:
    shown, lines = _series_lines(settings)
    return problem(shown, f"{slug}: cadence", expected, found, severity="warning",
                   line=lines.get(f"{slug}.cadence") or lines.get(slug))


def gap_problems(plan: Plan, settings: Mapping[str, Any]) -> list[Problem]:
    """``agora check --plan``: each open slot of the plan, as an error on its series."""
    shown, lines = _series_lines(settings)
    found = []
    for entry in plan.gaps:
        what = "nothing scheduled" if entry.status == "gap" else \
            f"only a {'draft' if entry.status == 'draft' else entry.status + ' event'} " \
            f"({entry.title})"
        found.append(problem(
            shown, entry.series, f"expected an article on {entry.day:%A} {entry.day.isoformat()} "
            f"(cadence: {plan.cadences.get(entry.series, '')})", found_text=what,
            line=lines.get(entry.series)))
    return found
