"""Reads events, dates their sessions on Agora's clock, writes pages and calendars.

Everything that depends on "now" is computed here, once per build, from the
build state's clock: which sessions are upcoming (a recurring event is expanded
over a rolling window), which events are past, the add-to-calendar links of
the next session, and the moments at which any of this changes (fed to
``next_change`` in ``build.json`` so a scheduler rebuilds exactly then).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from pelican.utils import slugify

from agora import clock
from agora.content.generator import ContentTypeGenerator
from agora.content.reader import display_path
from agora.core.i18n import gettext_for
from agora.core.pages import write_in_languages
from agora.events import ics, jsonld
from agora.events.migration import events_from_articles
from agora.events.model import FORMATS, Event
from agora.events.recurrence import expand, last_session, next_after
from agora.events.view import EventFormat, EventsView, EventTag, Occurrence, by_month, webcal
from agora.hub import Hub, translated, translation_of
from agora.problems import problem
from agora.render import write_data
from agora.settings import options
from agora.state import BuildState, build_state, report
from agora.urls import urls_of

Span = tuple[datetime, datetime]


class EventsGenerator(ContentTypeGenerator):
    """``content/events/`` (plus pelican-events articles): pages, listings, calendars.

    Publishes ``hub.events`` (:class:`~agora.events.view.EventsView`); the
    context keeps ``events`` (Pelican's habit: the published events) and
    pelican-events' ``events_list`` and ``upcoming_events_list``, so a migrating
    site's templates keep working.
    """

    content_class = Event
    paths_setting = "EVENT_PATHS"
    excludes_setting = "EVENT_EXCLUDES"
    context_name = "events"
    template_variable = "event"
    order_by = "start"

    # --- context ---------------------------------------------------------------

    def prepare(self) -> None:
        settings = self.settings
        state = build_state(settings)
        self.now = clock.now(settings)
        self.urls = urls_of(settings)
        settings_now = options(settings)
        self.window = timedelta(weeks=settings_now.events_window_weeks)
        self.stay_right = timedelta(days=settings_now.listings_stay_right_days)
        self.past_window = timedelta(days=settings_now.events_past_days)
        self.site_zone = clock.site_zone(settings)
        articles = state.hub.blog.articles if state else list(self.context.get("articles", []))
        self.migrated = self.unique(events_from_articles(articles, settings, self.context))
        listed = [*self.items, *self.migrated]
        for event in [*listed, *self.translations, *self.hidden_items, *self.drafts]:
            self.schedule(event)
        self.listed = listed
        self.view = self.build_view(listed)
        self.publish_legacy_context()
        if state:
            state.hub.events = self.view
            self.record_changes(listed, state)

    def unique(self, migrated: list[Event]) -> list[Event]:
        """Calendar UIDs must be unique: a migrated article cannot reuse an event's slug."""
        taken = {ics.event_uid(e, self.settings): e for e in self.items}
        kept = []
        for event in migrated:
            uid = ics.event_uid(event, self.settings)
            if uid in taken:
                root = self.settings.get("PATH")
                report(self.settings, problem(
                    display_path(event.source_path, root), "event-start",
                    "expected an event whose slug is not already used by "
                    f"{display_path(taken[uid].source_path, root)} (calendar UID {uid})",
                    found_text="a second event with the same UID"))
                continue
            taken[uid] = event
            kept.append(event)
        return kept

    def schedule(self, event: Event) -> None:
        """Date the sessions of ``event`` around now (always sets every attribute)."""
        now, horizon = self.now, self.now + self.window
        beyond: Span | None = None
        if event.rule:
            upcoming = [s for s in expand(event.start, event.end, event.rule, event.excluded,
                                          now, horizon) if s[1] > now]
            beyond = next_after(event.start, event.end, event.rule, event.excluded,
                                max(horizon, upcoming[-1][0] + timedelta(seconds=1))
                                if upcoming else horizon)
            if not upcoming and beyond:
                upcoming, beyond = [beyond], next_after(
                    event.start, event.end, event.rule, event.excluded,
                    beyond[0] + timedelta(seconds=1))
            last = last_session(event.start, event.end, event.rule, event.excluded)
            event.sessions_later = [s for s in expand(
                event.start, event.end, event.rule, event.excluded, horizon,
                horizon + self.stay_right) if s not in upcoming] if self.stay_right else []
        else:
            upcoming = [(event.start, event.end)] if event.end > now else []
            last = (event.start, event.end)
            event.sessions_later = []
        event.sessions = upcoming
        event.session_after_window = beyond
        event.next_session = upcoming[0] if upcoming else None
        event.last_session = last
        event.is_past = not upcoming
        event.is_live = bool(upcoming) and upcoming[0][0] <= now < upcoming[0][1]
        shown = event.next_session or last or (event.start, event.end)
        gettext = gettext_for(self.settings, getattr(event, "lang", None)
                              or self.settings.get("DEFAULT_LANG", "en"))
        event.calendar_links = ics.add_to_calendar_links(event, shown[0], shown[1],
                                                         self.settings, gettext)
        event.ics_url = self.urls.url("event_ics", slug=event.slug, lang=event.lang)
        event.shown_session = shown

    def build_view(self, listed: list[Event]) -> EventsView:
        now, urls = self.now, self.urls
        sessions = sorted((Occurrence(e, s, t, s <= now < t) for e in listed
                           for s, t in e.sessions), key=Occurrence.sort_key)
        upcoming = sorted((Occurrence(e, e.next_session[0], e.next_session[1], e.is_live)
                           for e in listed if e.next_session), key=Occurrence.sort_key)
        past = sorted((Occurrence(e, *(e.last_session or (e.start, e.end))) for e in listed
                       if e.is_past), key=Occurrence.sort_key, reverse=True)
        formats = [EventFormat(f, sum(1 for o in upcoming if o.format == f),
                               sum(1 for e in listed if e.format == f),
                               urls.url("event_format", slug=f),
                               urls.url("event_format_ics", slug=f))
                   for f in FORMATS if any(e.format == f for e in listed)]
        tags = [EventTag(t, urls.url("event_tag_ics", slug=self.tag_slug(t)), self.tag_slug(t))
                for t in sorted({t for e in listed for t in e.tag_names}, key=str.lower)]
        calendar = urls.url("events_calendar")
        later = sorted((Occurrence(e, s, t) for e in listed for s, t in e.sessions_later),
                       key=Occurrence.sort_key)
        return EventsView(listed, upcoming, sessions, past, self.site_zone, formats, tags,
                          calendar, webcal(urls.absolute(calendar)), now=now,
                          window=self.window, later=later,
                          stay_right_until=now + self.stay_right, urls=urls)

    def publish_legacy_context(self) -> None:
        """pelican-events' template variables, so a migrating site's templates keep working."""
        self.context["events_list"] = sorted((e.migrated_from for e in self.migrated),
                                             key=lambda a: a.event_plugin_data["dtstart"],
                                             reverse=True)
        self.context["upcoming_events_list"] = [o.event.migrated_from for o in self.view.upcoming
                                                if o.event.migrated_from is not None]

    def record_changes(self, listed: Iterable[Event], state: BuildState) -> None:
        """Every future moment at which a page or calendar of this build would be wrong."""
        for event in listed:
            for start, end in event.sessions:
                state.change_at(start, f"event starts: {event.slug}")
                state.change_at(end, f"event ends: {event.slug}")
            if event.session_after_window:
                state.change_at(event.session_after_window[0] - self.window,
                                f"next session enters the listings: {event.slug}")
            if event.is_past and event.last_session:
                state.change_at(event.last_session[1] + self.past_window,
                                f"event leaves the calendar feed: {event.slug}")

    # --- output ------------------------------------------------------------------

    def in_feed(self, event: Event) -> bool:
        """Whether the subscription feed still carries ``event`` (past ones for a while)."""
        if not event.is_past or event.last_session is None:
            return True
        return event.last_session[1] >= self.now - self.past_window

    def people(self) -> dict[str, Any]:
        """Members who may be named, by slug (the members plugin runs after events)."""
        state = build_state(self.settings)
        members = state.hub.members if state is not None else None
        return dict(members.by_slug) if members is not None else {}

    def generate_output(self, writer: Any) -> None:
        people = self.people()
        for event in [*self.listed, *self.translations, *self.hidden_items]:
            sessions = event.sessions or [event.shown_session]
            event.jsonld = jsonld.script_body(jsonld.describe(event, sessions, self.settings,
                                                              people))
            # a translated event shows the translated profiles where there are some
            event.host_members = translated([people[s] for s in event.hosts if s in people],
                                            event.lang)
            event.speaker_members = translated(
                [people[s] for s in event.speakers if s in people], event.lang)
        super().generate_output(writer)

    def write_listings(self, writer: Any) -> None:
        """/events/, /events/past/ and one page per format, in each language of the site."""
        write_in_languages(self, writer, "agora/events", "events")
        write_in_languages(self, writer, "agora/events_past", "events_past")
        for info in self.view.formats:

            def of_format(hub: Hub, info: EventFormat = info) -> dict[str, Any]:
                upcoming, past = (hub.events or self.view).of_format(info.name)
                return {"event_format": info, "past_of_format": past,
                        "upcoming_by_month": by_month(upcoming, self.site_zone)}

            write_in_languages(self, writer, "agora/events", "event_format",
                               params={"slug": info.name}, variables=of_format)
        self.write_calendars(writer)

    def write_calendars(self, writer: Any) -> None:
        """Every calendar in each language of the site: the events in that language where
        translated (the same UIDs: one event, whatever the calendar it came from)."""
        state = build_state(self.settings)
        self.serialized: dict[int, Any] = {}  # each event's VEVENT, made once for all calendars
        for lang in state.hub.languages if state is not None else (self.urls.default_lang,):
            view = state.hub.in_language(lang).events if state is not None else None
            self.write_calendars_in(writer, lang, view or self.view)
        for event in [*self.items, *self.hidden_items]:  # each event page links its own file
            for version in [event, *event.translations]:
                # a calendar's URL is its path
                self.write_calendar(version.ics_url, [version], f"{self.site_name(version.lang)}"
                                    f" — {version.title}",
                                    gettext_for(self.settings, version.lang), writer)

    def write_calendars_in(self, writer: Any, lang: str, view: EventsView) -> None:
        """The calendar of every event, of each format and tag, at the addresses ``view`` (the
        events in ``lang``) links; chosen by the original's format and tags, each event
        shown in its translation."""
        gettext = gettext_for(self.settings, lang)
        feed = [e for e in self.listed if self.in_feed(e)]
        events_label = gettext("Events")
        name = f"{self.site_name(lang)} — {events_label}"

        def write(save_as: str, events: Iterable[Event], title: str) -> None:
            self.write_calendar(save_as, [translation_of(e, lang) for e in events], title,
                                gettext, writer)

        write(view.calendar_url, feed, name)
        for info in view.formats:
            write(info.ics_url, [e for e in feed if e.format == info.name],
                  f"{name} : {gettext(info.name)}")
        for tag in view.tags:
            write(tag.ics_url, [e for e in feed if tag.name in e.tag_names],
                  f"{name} : {tag.name}")
        legacy = self.settings.get("PLUGIN_EVENTS")
        if lang == self.urls.default_lang and isinstance(legacy, Mapping) \
                and legacy.get("ics_fname"):
            write(str(legacy["ics_fname"]), feed, name)

    def site_name(self, lang: str | None) -> str:
        state = build_state(self.settings)
        if state is None:
            return str(self.settings.get("SITENAME", ""))
        return state.hub.in_language(lang).site_name

    def write_calendar(self, save_as: str, events: list[Event], name: str,
                       gettext: Callable[[str], str], writer: Any) -> None:
        """One ``.ics`` file, made by the render workers when ``writer`` collects pages."""
        make = partial(ics.build_calendar, events, self.settings, name=name, source=save_as,
                       fallback_stamp=self.now, gettext=gettext,
                       serialized=getattr(self, "serialized", None))
        write_data(writer, os.path.join(self.output_path, save_as), make)

    def tag_slug(self, tag: str) -> str:
        return slugify(tag, regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
