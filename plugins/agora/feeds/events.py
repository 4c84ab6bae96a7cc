"""The events feed: what is coming, soonest first, and the calendars to subscribe to.

One entry per event, showing its next session (a weekly meetup is one entry
whose date moves on). An entry keeps its id when plans change; its title says
so ("Annulé : ...") and ``updated`` follows the event's ``modified`` date, so a
feed reader shows a cancelled event as updated, not as a new item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any

from markupsafe import escape

from agora.clock import aware
from agora.core.i18n import format_when
from agora.events import describe_zone
from agora.events.ics import display_title, event_text
from agora.events.view import Occurrence
from agora.feeds.model import Catalogs, Entry, Feed, Texts, feed_texts, titled
from agora.hub import Hub, translated

Gettext = Callable[[str], str]


def when(start: datetime, lang: str) -> str:
    """"jeudi 3 décembre 2026, 18:00": a session's start on the event's own clock."""
    return format_when(start, lang, "full")


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
    when_label, where_label = escape(gettext("When")), escape(gettext("Where"))
    page_label = escape(gettext("Event page"))
    calendar_label = escape(gettext("Add to my calendar"))
    lines = [
        f"<p><strong>{when_label}</strong> {escape(when(item.start, lang))} "
        f"({escape(describe_zone(item.start, lang))})</p>",
        f"<p><strong>{where_label}</strong> {escape(place)}</p>",
    ]
    about = event_text(event)
    if about:
        lines.append(f"<p>{escape(about)}</p>")
    lines.append(f'<p><a href="{escape(urls.absolute(event.url))}">'
                 f"{page_label}</a> · "
                 f'<a href="{escape(urls.absolute(event.ics_url))}">'
                 f"{calendar_label}</a></p>")
    return "\n".join(lines)


def occurrence_entry(item: Occurrence, hub: Hub, gettext: Gettext, lang: str) -> Entry:
    event, urls = item.event, hub.urls
    changed = last_change(event)
    announced = event.metadata.get("date")
    published = aware(event.date, event.tz) if isinstance(announced, datetime) else changed
    return Entry(
        # an event nobody translated, in another language's feed: an entry of its own
        id=urls.identity(event.url) + ("" if event.lang == lang else f"#{lang}"),
        title=f"{display_title(event, gettext)} — {when(item.start, lang)}",
        url=urls.absolute(event.url),
        published=published,
        updated=changed,
        content_html=occurrence_html(item, hub, gettext, lang),
        categories=tuple(dict.fromkeys([gettext(event.format), *event.tag_names])),
        links=(("related", urls.absolute(event.ics_url), "text/calendar", "iCalendar"),),
        lang=lang)


def events_feeds(hub: Hub, catalogs: Catalogs, limit: int) -> Iterable[Feed]:
    """What is coming and the calendars, one of each per language of the site: translated
    events, dates and labels in that language (a calendar application shows dates its
    own way, but not titles)."""
    events, urls = hub.events, hub.urls
    if events is None:
        return
    default = urls.default_lang
    for lang in hub.languages:
        path = urls.feed("EVENTS_FEED_ATOM", for_lang=lang)
        if not path:
            break
        _ = catalogs(lang).gettext
        upcoming = translated(events.upcoming[:limit], lang) if lang != default else (
            events.upcoming[:limit])
        entries = tuple(occurrence_entry(o, hub, _, lang) for o in upcoming)
        titles = feed_texts(hub, catalogs, upcoming_texts, lang)
        yield Feed("events" if lang == default else f"events:{lang}", "events", *titles[lang],
                   path, urls.url("events", lang=lang), lang, "atom", entries, titles)
    for lang in hub.languages:
        for key, path, page, texts in calendars(hub, lang):
            titles = feed_texts(hub, catalogs, texts, lang)
            yield Feed(key if lang == default else f"{key}:{lang}", "events", *titles[lang],
                       path, page, lang, "ics", (), titles)


def upcoming_texts(_: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Upcoming events")),
            _("What is coming, soonest first; an entry changes when plans do."))


def calendars(hub: Hub, lang: str) -> Iterable[tuple[str, str, str, Texts]]:
    """(key, path, page, texts) of each calendar in ``lang``: everything, each format,
    each theme."""
    assert hub.events is not None
    # the events view alone: the hub's view in ``lang`` is made once the feeds are known
    events, urls = hub.events.in_language(lang), hub.urls
    yield "calendar", events.calendar_url, urls.url("events", lang=lang), every_event
    for info in events.formats:
        yield (f"calendar:format:{info.name}", info.ics_url,
               urls.url("event_format", slug=info.name, lang=lang),
               partial(events_of_format, info.name))
    for tag in events.tags:
        yield (f"calendar:tag:{tag.name}", tag.ics_url, urls.url("events", lang=lang),
               partial(events_on_theme, tag.name))


def every_event(_: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Events")),
            _("Every event in your calendar application, kept up to date."))


def events_of_format(name: str, _: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Events: %(name)s") % {"name": _(name)}),
            _("Only the events of this format, in your calendar application."))


def events_on_theme(name: str, _: Gettext, site: str) -> tuple[str, str]:
    return (titled(site, _("Events: %(name)s") % {"name": name}),
            _("Only the events on this theme, in your calendar application."))
