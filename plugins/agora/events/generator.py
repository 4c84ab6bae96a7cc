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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pelican.utils import slugify

from agora import clock
from agora import defaults as agora_defaults
from agora.content.generator import ContentTypeGenerator
from agora.content.reader import display_path, problem_collector
from agora.core import i18n
from agora.core.state import BuildState, build_state
from agora.events import ics, jsonld
from agora.events.migration import events_from_articles
from agora.events.model import FORMATS, Event, site_zone
from agora.events.recurrence import expand, last_session, next_after
from agora.problems import problem
from agora.settings import get_settings

Span = tuple[datetime, datetime]


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


def setting(settings: Mapping[str, Any], name: str) -> str:
    """A URL setting, with Agora's default when the site does not define it (never a crash)."""
    return str(settings.get(name) or getattr(agora_defaults, name))


def gettext_for(settings: Mapping[str, Any], lang: str) -> Callable[[str], str]:
    """Interface strings for calendars and links, from the theme's catalogs."""
    catalogs = i18n.load_catalogs(settings["THEME"])
    return i18n.Translator(catalogs).for_lang(lang).gettext


class EventsGenerator(ContentTypeGenerator):
    """``content/events/`` (plus pelican-events articles): pages, listings, calendars.

    Context it publishes: ``events`` (published events, default language),
    ``upcoming_events`` (one entry per event: its next or current session),
    ``upcoming_sessions`` and ``upcoming_by_month`` (every session in the window),
    ``past_events`` and ``past_by_year``, ``event_formats``, ``event_tags``,
    ``events_by_member``, and the calendar URLs.
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
        self.now = state.now if state else clock.now(settings)
        options = get_settings(settings)
        self.window = timedelta(weeks=options.events_window_weeks)
        self.past_window = timedelta(days=options.events_past_days)
        self.site_zone = site_zone(settings)
        self.migrated = self.unique(events_from_articles(
            list(self.context.get("articles", [])), settings, self.context))
        listed = [*self.items, *self.migrated]
        for event in [*listed, *self.translations, *self.hidden_items]:
            self.schedule(event)
        self.listed = listed
        self.publish_context(listed)
        if state:
            self.record_changes(listed, state)

    def unique(self, migrated: list[Event]) -> list[Event]:
        """Calendar UIDs must be unique: a migrated article cannot reuse an event's slug."""
        taken = {ics.event_uid(e, self.settings): e for e in self.items}
        kept = []
        for event in migrated:
            uid = ics.event_uid(event, self.settings)
            if uid in taken:
                root = self.settings.get("PATH")
                item = problem(display_path(event.source_path, root), "event-start",
                               "expected an event whose slug is not already used by "
                               f"{display_path(taken[uid].source_path, root)} "
                               f"(calendar UID {uid})",
                               found_text="a second event with the same UID")
                log = problem_collector(self.settings)
                if log is not None:
                    log.add(item)
                else:
                    item.log()
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
        else:
            upcoming = [(event.start, event.end)] if event.end > now else []
            last = (event.start, event.end)
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
        event.ics_url = setting(self.settings, "EVENT_ICS_SAVE_AS").format(slug=event.slug)
        event.shown_session = shown

    def publish_context(self, listed: list[Event]) -> None:
        now = self.now

        def by_start(item: Occurrence) -> tuple[datetime, str]:
            return item.start.astimezone(UTC), item.event.slug

        sessions = sorted((Occurrence(e, s, t, s <= now < t) for e in listed
                           for s, t in e.sessions), key=by_start)
        upcoming = sorted((Occurrence(e, *e.next_session, e.is_live) for e in listed
                           if e.next_session), key=by_start)
        past = sorted((Occurrence(e, *(e.last_session or (e.start, e.end))) for e in listed
                       if e.is_past), key=by_start, reverse=True)
        formats = [f for f in FORMATS if any(e.format == f for e in listed)]
        tags = sorted({t for e in listed for t in e.tag_names}, key=str.lower)
        context = self.context
        context["upcoming_events"] = upcoming
        context["upcoming_sessions"] = sessions
        context["upcoming_by_month"] = self.by_month(sessions)
        context["past_events"] = past
        context["past_by_year"] = [(year, [o for o in past if o.start.year == year])
                                   for year in sorted({o.start.year for o in past}, reverse=True)]
        context["event_formats"] = [
            {"name": f, "upcoming": sum(1 for o in upcoming if o.format == f),
             "count": sum(1 for e in listed if e.format == f),
             "url": setting(self.settings, "EVENT_FORMAT_URL").format(slug=f),
             "ics_url": setting(self.settings, "EVENT_FORMAT_ICS_SAVE_AS").format(slug=f)}
            for f in formats]
        context["event_tags"] = [
            {"name": t, "ics_url": setting(self.settings, "EVENT_TAG_ICS_SAVE_AS").format(
                slug=self.tag_slug(t))} for t in tags]
        context["events_calendar_url"] = setting(self.settings, "EVENTS_CALENDAR_SAVE_AS")
        feed_url = ics.absolute_url(context["events_calendar_url"], self.settings)
        context["events_webcal_url"] = ("webcal://" + feed_url.split("://", 1)[1]
                                        if "://" in feed_url else "")
        context["events_url"] = setting(self.settings, "EVENTS_URL")
        context["events_past_url"] = setting(self.settings, "EVENTS_PAST_URL")
        by_member: dict[str, list[Occurrence]] = {}
        for item in [*upcoming, *past]:
            for slug in dict.fromkeys([*item.hosts, *item.speakers]):
                by_member.setdefault(slug, []).append(item)
        context["events_by_member"] = by_member
        # pelican-events' template variables, so a migrating site's templates keep working
        context["events_list"] = sorted((e.migrated_from for e in self.migrated),
                                        key=lambda a: a.event_plugin_data["dtstart"],
                                        reverse=True)
        context["upcoming_events_list"] = [o.event.migrated_from for o in upcoming
                                           if o.event.migrated_from is not None]

    def by_month(self, sessions: list[Occurrence]) -> list[tuple[date, list[Occurrence]]]:
        """Sessions grouped by month, in the site's zone (what readers of the listing live in)."""
        months: dict[date, list[Occurrence]] = {}
        for item in sessions:
            local = item.start.astimezone(self.site_zone)
            months.setdefault(date(local.year, local.month, 1), []).append(item)
        return list(months.items())

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
        """Published members by slug (the members plugin runs after events)."""
        return dict(self.context.get("members_by_slug") or {})

    def generate_output(self, writer: Any) -> None:
        people = self.people()
        for event in [*self.listed, *self.translations, *self.hidden_items]:
            sessions = event.sessions or [event.shown_session]
            event.jsonld = jsonld.script_body(jsonld.describe(event, sessions, self.settings,
                                                              people))
            event.host_members = [people[s] for s in event.hosts if s in people]
            event.speaker_members = [people[s] for s in event.speakers if s in people]
        super().generate_output(writer)

    def write_page(self, writer: Any, template: str, save_as: str, url: str,
                   **variables: Any) -> None:
        writer.write_file(save_as, self.get_template(template), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=url,
                          page_url=setting(self.settings, "EVENTS_URL"),
                          lang=self.settings["DEFAULT_LANG"], **variables)

    def write_listings(self, writer: Any) -> None:
        settings = self.settings
        self.write_page(writer, "events", setting(settings, "EVENTS_SAVE_AS"),
                        setting(settings, "EVENTS_URL"))
        self.write_page(writer, "events_past", setting(settings, "EVENTS_PAST_SAVE_AS"),
                        setting(settings, "EVENTS_PAST_URL"))
        for info in self.context["event_formats"]:
            name = info["name"]
            self.write_page(
                writer, "events", setting(settings, "EVENT_FORMAT_SAVE_AS").format(slug=name),
                info["url"], event_format=info,
                upcoming_by_month=self.by_month([o for o in self.context["upcoming_sessions"]
                                                 if o.format == name]),
                past_of_format=[o for o in self.context["past_events"] if o.format == name])
        self.write_calendars()

    def write_calendars(self) -> None:
        settings = self.settings
        gettext = gettext_for(settings, settings.get("DEFAULT_LANG", "en"))
        site = str(settings.get("SITENAME", ""))
        feed = [e for e in self.listed if self.in_feed(e)]
        name = f"{site} — {gettext('Events')}"
        self.write_calendar(setting(settings, "EVENTS_CALENDAR_SAVE_AS"), feed, name, gettext)
        for event in [*self.items, *self.hidden_items]:  # each event page links its own file
            self.write_calendar(event.ics_url, [event], f"{site} — {event.title}", gettext)
        for info in self.context["event_formats"]:
            self.write_calendar(info["ics_url"], [e for e in feed if e.format == info["name"]],
                                f"{name} : {gettext(info['name'])}", gettext)
        for info in self.context["event_tags"]:
            self.write_calendar(info["ics_url"], [e for e in feed if info["name"] in e.tag_names],
                                f"{name} : {info['name']}", gettext)
        legacy = settings.get("PLUGIN_EVENTS")
        if isinstance(legacy, Mapping) and legacy.get("ics_fname"):
            self.write_calendar(str(legacy["ics_fname"]), feed, name, gettext)

    def write_calendar(self, save_as: str, events: list[Event], name: str,
                       gettext: Callable[[str], str]) -> None:
        data = ics.build_calendar(events, self.settings, name=name, source=save_as,
                                  fallback_stamp=self.now, gettext=gettext)
        path = os.path.join(self.output_path, save_as)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)

    def tag_slug(self, tag: str) -> str:
        return slugify(tag, regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
