"""Coming up: the events of the weeks after the issue, each with its next sessions and
links to add it to a calendar."""

from __future__ import annotations

from datetime import timedelta

from agora.core.i18n import format_when
from agora.events.ics import add_to_calendar_links, display_title
from agora.events.view import Occurrence
from agora.newsletter.model import Item, Link, Section
from agora.newsletter.sections.context import IssueContext, in_language, plain

#: Further sessions of a recurring event an issue lists after the first.
MORE_SESSIONS = 3


def item(sessions: list[Occurrence], context: IssueContext) -> Item:
    first = sessions[0]
    event = in_language(first.event, context.lang)
    urls = context.hub.urls
    calendars = add_to_calendar_links(event, first.start, first.end, urls.settings,
                                      context.catalog.gettext)
    later = ", ".join(format_when(s.start, context.lang, "full")
                      for s in sessions[1:MORE_SESSIONS + 1])
    place = (context._("online") if event.effective_attendance == "online"
             else event.place_line)
    return Item(
        title=display_title(event, context.catalog.gettext),
        url=context.absolute(event.url),
        text=plain(getattr(event, "summary", "")),
        when=format_when(first.start, context.lang, "full")
        + (" — " + context._("then %(dates)s", dates=later) if later else ""),
        meta=" · ".join(p for p in (context._(event.format), place) if p),
        links=(Link(context._("Add to my calendar"), context.absolute(event.ics_url)),
               Link("Google Agenda" if context.lang == "fr" else "Google Calendar",
                    calendars["google"]),
               Link("Outlook", calendars["outlook"])))


def build(context: IssueContext) -> Section | None:
    events = context.hub.events
    if events is None:
        return None
    horizon = context.end + timedelta(weeks=context.hub.options.newsletter_event_weeks)
    by_event: dict[str, list[Occurrence]] = {}
    for session in events.between(context.end, horizon):
        by_event.setdefault(session.event.slug, []).append(session)
    if not by_event:
        return None
    chosen = context.limited(list(by_event.values()), 6)
    return Section("events", context.title("events"), tuple(item(s, context) for s in chosen))
