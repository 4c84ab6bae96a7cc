"""What the hub knows of events: dated sessions and listings, computed once per build.

:class:`EventsView` is the events capability's slot of the hub model
(``hub.events``). Templates, the member profiles, the onboarding path, the
feeds and the newsletter read it; none of them expands a recurrence again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agora.events.listing import Pick, next_per_event, stay_right
from agora.events.model import Event
from agora.events.recurrence import expand


@dataclass(frozen=True)
class Occurrence:
    """One dated session of an event, as listings show it.

    Reads through to its event (``item.title``, ``item.url``...), so templates
    treat a session of a weekly meetup and a one-off workshop alike.
    """

    event: Event
    start: datetime
    end: datetime
    live: bool = False
    #: In a listing that stays right between builds (:mod:`agora.events.listing`): the
    #: moment this session enters it, hidden until then; None: shown by the build.
    shown_from: datetime | None = None

    def __getattr__(self, name: str) -> Any:
        if name == "event" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.event, name)

    @property
    def end_utc(self) -> str:
        return self.end.astimezone(UTC).isoformat()

    @property
    def start_utc(self) -> str:
        return self.start.astimezone(UTC).isoformat()

    @property
    def shown_from_utc(self) -> str:
        return self.shown_from.astimezone(UTC).isoformat() if self.shown_from else ""

    def sort_key(self) -> tuple[datetime, str]:
        return self.start.astimezone(UTC), self.event.slug


@dataclass(frozen=True)
class EventFormat:
    """A format with events: its listing and calendar, and how many are coming."""

    name: str
    upcoming: int
    count: int
    url: str
    ics_url: str


@dataclass(frozen=True)
class EventTag:
    name: str
    ics_url: str
    slug: str = ""


def webcal(address: str) -> str:
    """A calendar's ``webcal://`` address (calendar applications subscribe to it)."""
    return "webcal://" + address.split("://", 1)[1] if "://" in address else ""


#: Before any session: the "now" of a view made without a clock (unit tests, tools).
NEVER = datetime.min.replace(tzinfo=UTC)


def by_month(sessions: Iterable[Occurrence], zone: ZoneInfo
             ) -> list[tuple[date, list[Occurrence]]]:
    """Sessions grouped by month, in the site's zone (what readers of the listing live in)."""
    months: dict[date, list[Occurrence]] = {}
    for item in sessions:
        local = item.start.astimezone(zone)
        months.setdefault(date(local.year, local.month, 1), []).append(item)
    return list(months.items())


@dataclass
class EventsView:
    """Published events of the build and their sessions around "now".

    ``upcoming`` has one entry per event (its next or current session),
    ``sessions`` every session within the expansion window, ``past`` one entry
    per finished event (its last session), most recent first. ``later`` holds
    the sessions of recurring events that enter the window while the pages stay
    right (until ``stay_right_until``): listings hold them, hidden until their
    turn (:mod:`agora.events.listing`).
    """

    events: list[Event]
    upcoming: list[Occurrence]
    sessions: list[Occurrence]
    past: list[Occurrence]
    zone: ZoneInfo
    formats: list[EventFormat] = field(default_factory=list)
    tags: list[EventTag] = field(default_factory=list)
    calendar_url: str = ""
    webcal_url: str = ""
    now: datetime = NEVER
    window: timedelta = timedelta(0)
    later: list[Occurrence] = field(default_factory=list)
    stay_right_until: datetime = NEVER
    #: the URL scheme: the calendars' addresses in another language (:meth:`in_language`)
    urls: Any = None

    def in_language(self, lang: str) -> EventsView:
        """The view a page in ``lang`` shows: translations where they exist, and the
        calendars of that language (their entries are those translations)."""
        from agora.hub import translated  # noqa: PLC0415 - the hub imports the views

        view: EventsView = translated(self, lang)
        if self.urls is None:
            return view
        urls = self.urls
        calendar = urls.url("events_calendar", lang=lang)
        return replace(
            view, calendar_url=calendar, webcal_url=webcal(urls.absolute(calendar)),
            formats=[replace(f, ics_url=urls.url("event_format_ics", slug=f.name, lang=lang))
                     for f in view.formats],
            tags=[replace(t, ics_url=urls.url("event_tag_ics", slug=t.slug, lang=lang))
                  for t in view.tags])

    @property
    def upcoming_by_month(self) -> list[tuple[date, list[Occurrence]]]:
        """What /events/ lists: the window's sessions, and (hidden) those entering it later."""
        return by_month(self.in_window(self.sessions), self.zone)

    def in_window(self, sessions: list[Occurrence]) -> list[Occurrence]:
        """``sessions`` and the later ones of the same events, each shown once in the window."""
        events = {id(o.event) for o in sessions}
        entering = [replace(o, shown_from=o.start - self.window) for o in self.later
                    if id(o.event) in events]
        return sorted([*sessions, *entering], key=Occurrence.sort_key)

    def listing(self, pick: Pick, among: set[int] | None = None) -> list[Occurrence]:
        """What a "next events" listing shows from now until ``stay_right_until``.

        ``pick`` chooses among the next session of each event not over yet;
        ``among`` (ids of events) leaves the other events' sessions out first,
        which changes nothing shown (each event's next session depends on its
        own sessions alone) and keeps a profile's listing from scanning them all.
        """
        known = sorted([*self.sessions, *self.later], key=Occurrence.sort_key)
        if among is not None:
            known = [o for o in known if id(o.event) in among]
        return stay_right(known, lambda alive: pick(next_per_event(alive)), self.now,
                          self.stay_right_until)

    def next_events(self, count: int) -> list[Occurrence]:
        """The next session of each of the next ``count`` events (the home page)."""
        return self.listing(lambda following: following[:count])

    def next_of(self, events: Iterable[Any]) -> list[Occurrence]:
        """The next session of each of ``events`` (a member's profile)."""
        return self.listing(list, among={id(e) for e in events})

    @property
    def past_by_year(self) -> list[tuple[int, list[Occurrence]]]:
        years = sorted({o.start.year for o in self.past}, reverse=True)
        return [(year, [o for o in self.past if o.start.year == year]) for year in years]

    def of_format(self, name: str) -> tuple[list[Occurrence], list[Occurrence]]:
        """(upcoming sessions, past events) of one format."""
        return (self.in_window([o for o in self.sessions if o.format == name]),
                [o for o in self.past if o.format == name])

    def by_member(self) -> dict[str, list[Occurrence]]:
        """Member slug -> sessions they host or speak at (next session, or the last one)."""
        found: dict[str, list[Occurrence]] = {}
        for item in [*self.upcoming, *self.past]:
            for slug in dict.fromkeys([*item.hosts, *item.speakers]):
                found.setdefault(slug, []).append(item)
        return found

    def between(self, start: datetime, end: datetime) -> list[Occurrence]:
        """Sessions starting in ``[start, end)``, soonest first, recurring ones expanded.

        Computed from each event's rule, so a window before the build's "now" (an
        issue assembled after its date) is as complete as one after it.
        """
        found = []
        for event in self.events:
            if event.rule:
                spans = expand(event.start, event.end, event.rule, event.excluded, start, end)
            else:
                spans = [(event.start, event.end)]
            found += [Occurrence(event, s, t) for s, t in spans if start <= s < end]
        return sorted(found, key=Occurrence.sort_key)
