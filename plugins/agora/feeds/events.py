"""The events feed: what is coming, soonest first, and the calendars to subscribe to.

One entry per event, showing its next session (a weekly meetup is one entry
whose date moves on). An entry keeps its id when plans change; its title says
so ("Annulé : ...") and ``updated`` follows the event's ``modified`` date, so a
feed reader shows a cancelled event as updated, not as a new item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from markupsafe import escape

from agora.clock import aware
from agora.core.i18n import format_moment
from agora.events import describe_zone
from agora.events.ics import display_title, event_text
from agora.events.view import Occurrence
from agora.feeds.model import Catalogs, Entry, Feed
from agora.hub import Hub

Gettext = Callable[[str], str]


def last_change(event: Any) -> datetime:
    """When the event's record last changed, as far as the content tells."""
    for name in ("modified", "date"):
        if isinstance(event.metadata.get(name), datetime):
            return aware(getattr(event, name), event.tz)
    return event.start


def occurrence_html(item: Occurrence, hub: Hub, gettext: Gettext, lang: str) -> str:
    event, urls = item.event, hub.urls
    place = (gettext("online") if event.effective_attendance == "online"
             else event.place_line or gettext(event.effective_attendance))
    lines = [
        f"<p><strong>{escape(gettext('When'))}</strong> {escape(format_moment(item.start, lang))} "
        f"({escape(describe_zone(item.start, lang))})</p>",
        f"<p><strong>{escape(gettext('Where'))}</strong> {escape(place)}</p>",
    ]
    about = event_text(event)
    if about:
        lines.append(f"<p>{escape(about)}</p>")
    lines.append(f'<p><a href="{escape(urls.absolute(event.url))}">'
                 f"{escape(gettext('Event page'))}</a> · "
                 f'<a href="{escape(urls.absolute(event.ics_url))}">'
                 f"{escape(gettext('Add to my calendar'))}</a></p>")
    return "\n".join(lines)


def occurrence_entry(item: Occurrence, hub: Hub, gettext: Gettext, lang: str) -> Entry:
    event, urls = item.event, hub.urls
    changed = last_change(event)
    announced = event.metadata.get("date")
    published = aware(event.date, event.tz) if isinstance(announced, datetime) else changed
    return Entry(
        id=urls.identity(event.url),
        title=f"{display_title(event, gettext)} — {format_moment(item.start, lang)}",
        url=urls.absolute(event.url),
        published=published,
        updated=changed,
        content_html=occurrence_html(item, hub, gettext, lang),
        categories=tuple(dict.fromkeys([gettext(event.format), *event.tag_names])),
        links=(("related", urls.absolute(event.ics_url), "text/calendar", "iCalendar"),),
        lang=lang)


def events_feeds(hub: Hub, catalogs: Catalogs, limit: int) -> Iterable[Feed]:
    events, urls = hub.events, hub.urls
    if events is None:
        return
    lang = urls.default_lang
    _ = catalogs(lang).gettext
    site = str(urls.settings.get("SITENAME") or "")
    path = urls.feed("EVENTS_FEED_ATOM")
    if path:
        entries = tuple(occurrence_entry(o, hub, _, lang) for o in events.upcoming[:limit])
        yield Feed("events", "events", f"{site} — {_('Upcoming events')}",
                   _("What is coming, soonest first; an entry changes when plans do."), path,
                   urls.url("events"), lang, "atom", entries)
    yield Feed("calendar", "events", f"{site} — {_('Events')}",
               _("Every event in your calendar application, kept up to date."),
               events.calendar_url, urls.url("events"), lang, "ics")
    for info in events.formats:
        yield Feed(f"calendar:format:{info.name}", "events",
                   f"{site} — {_('Events')} : {_(info.name)}",
                   _("Only the events of this format, in your calendar application."),
                   info.ics_url, info.url, lang, "ics")
    for tag in events.tags:
        yield Feed(f"calendar:tag:{tag.name}", "events", f"{site} — {_('Events')} : {tag.name}",
                   _("Only the events on this theme, in your calendar application."),
                   tag.ics_url, urls.url("events"), lang, "ics")
