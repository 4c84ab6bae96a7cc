"""iCalendar output: the subscription feed, one file per event, per-format and per-tag feeds.

What pelican-events 0.1.4 got wrong, and what this module does instead:

- one site-wide zone → each event keeps its own ``TZID`` and the calendar
  carries a ``VTIMEZONE`` for every zone it uses (trimmed to the years used);
- ``DTSTAMP`` in local time → ``DTSTAMP`` always in UTC, and deterministic:
  the event's ``modified`` or ``date``, else the build clock, never the wall clock;
- ``UID`` = ``SITEURL + url`` without a slash → ``<slug>@<host>``: stable across
  builds, independent of URL settings, unique per site;
- no per-event files → ``/events/<slug>.ics`` next to each event page;
- recurrences become ``RRULE`` + ``EXDATE`` on one master event, so calendar
  applications see one series, not copies.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from icalendar import Calendar, Timezone, vDuration, vText
from icalendar import Event as VEvent

import agora
from agora.events.recurrence import add_schedule, is_bounded
from agora.urls import urls_of

ICAL_STATUS = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}  # others: CONFIRMED
REFRESH = timedelta(hours=6)
DESCRIPTION_MAX = 1500
Gettext = Callable[[str], str]


# --- addresses ------------------------------------------------------------------

def absolute_url(path: str, settings: Mapping[str, Any]) -> str:
    """Calendars and structured data leave the site: their links are absolute."""
    return urls_of(settings).absolute(path)


def event_uid(event: Any, settings: Mapping[str, Any]) -> str:
    override = event.calendar_extra.get("uid") if getattr(event, "calendar_extra", None) else None
    return str(override) if override else f"{event.slug}@{urls_of(settings).identity_host}"


# --- text -----------------------------------------------------------------------

TAG_RE = re.compile(r"<[^>]+>")
SPACE_RE = re.compile(r"[ \t\r\f\v]+")
BLOCK_END_RE = re.compile(r"</(p|li|h[1-6]|div|blockquote|tr)>|<br\s*/?>", re.IGNORECASE)


def plain_text(markup: str | None) -> str:
    """HTML to readable plain text (paragraphs kept) for calendar descriptions."""
    if not markup:
        return ""
    text = BLOCK_END_RE.sub("\n", str(markup))
    text = html.unescape(TAG_RE.sub("", text))
    lines = [SPACE_RE.sub(" ", line).strip() for line in text.splitlines()]
    text = "\n".join(line for line in lines if line)
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1].rstrip() + "…"


def event_text(event: Any) -> str:
    """What the event is about: its summary, else the beginning of its text."""
    override = event.calendar_extra.get("description")
    if override:
        return str(override)
    summary = plain_text(event.metadata.get("summary"))
    return summary or plain_text(event.content)


def page_url(event: Any, settings: Mapping[str, Any]) -> str:
    return absolute_url(event.calendar_extra.get("url") or event.url, settings)


def display_title(event: Any, gettext: Gettext) -> str:
    """The title calendars show; a cancelled or postponed event says so in the title.

    Calendar applications display ``STATUS`` poorly or not at all.
    """
    title = plain_text(event.calendar_extra.get("summary") or event.title)
    if event.event_status == "cancelled":
        return gettext("Cancelled: %(title)s") % {"title": title}
    if event.event_status == "postponed":
        return gettext("Postponed: %(title)s") % {"title": title}
    return title


def location_text(event: Any) -> str:
    if event.effective_attendance == "online":
        return getattr(event, "online_url", "") or ""
    return event.place_line


# --- components -------------------------------------------------------------------

def stamp_of(event: Any, fallback: datetime) -> datetime:
    """DTSTAMP: when the event's record last changed, as far as the content tells, in UTC."""
    for name in ("modified", "date"):
        if name in event.metadata and isinstance(getattr(event, name, None), datetime):
            return getattr(event, name).astimezone(UTC)
    return fallback.astimezone(UTC)


def to_vevent(event: Any, settings: Mapping[str, Any], fallback_stamp: datetime,
              gettext: Gettext) -> VEvent:
    """The one ``VEVENT`` of an event: master of its series when it recurs."""
    component = VEvent()
    component.add("uid", event_uid(event, settings))
    component.add("dtstamp", stamp_of(event, fallback_stamp))
    add_schedule(component, event.start, event.end, event.rule, event.excluded)
    component.add("summary", display_title(event, gettext))
    url = page_url(event, settings)
    description = "\n\n".join(p for p in (event_text(event), url) if p)
    if description:
        component.add("description", description)
    place = location_text(event)
    if place:
        component.add("location", place)
    if event.geo:
        component.add("geo", event.geo)
    online = getattr(event, "online_url", None)
    if online and event.effective_attendance in ("online", "mixed"):
        component.add("conference", online, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    if url.startswith(("http://", "https://")):
        component.add("url", url, parameters={"VALUE": "URI"})
    component.add("status", ICAL_STATUS.get(event.event_status, "CONFIRMED"))
    if event.tag_names:
        component.add("categories", event.tag_names)
    if "modified" in event.metadata:
        component.add("last-modified", event.modified.astimezone(UTC))
    if "date" in event.metadata and isinstance(event.date, datetime):
        component.add("created", event.date.astimezone(UTC))
    for name, value in event.calendar_extra.get("properties", {}).items():
        component.add(name, vText(str(value)) if name.startswith("x-") else value)
    return component


def zone_range(events: Iterable[Any]) -> tuple[date, date]:
    """Years a calendar's VTIMEZONE must cover: from the first event to the last (or 2038)."""
    items = list(events)
    first = min(e.start for e in items).date().replace(month=1, day=1)
    open_ended = any(e.rule and not is_bounded(e.rule) for e in items)
    last_year = 2038 if open_ended else max(e.end for e in items).year + 2
    return first, date(max(last_year, first.year + 1), 1, 1)


END_CALENDAR = b"END:VCALENDAR\r\n"


def build_calendar(events: Iterable[Any], settings: Mapping[str, Any], *, name: str,
                   source: str, fallback_stamp: datetime, gettext: Gettext,
                   serialized: dict[int, tuple[VEvent, bytes]] | None = None) -> bytes:
    """A complete VCALENDAR for ``events`` (sorted by start, then UID: stable bytes).

    An event is in several calendars (all events, its own, its format's, its
    tags'): ``serialized``, kept by the caller for one set of calendars with
    the same ``fallback_stamp`` and ``gettext``, holds each event's VEVENT and
    its bytes, made once. A calendar's bytes are its own lines, then those of
    each component, exactly what ``Calendar.to_ical`` writes.
    """
    items = sorted(events, key=lambda e: (e.start.astimezone(UTC), event_uid(e, settings)))
    calendar = Calendar()
    calendar.add("prodid", f"-//Agora {agora.__version__}//{urls_of(settings).identity_host}//"
                           f"{str(settings.get('DEFAULT_LANG', 'en')).upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(settings.get("TIMEZONE") or "UTC"))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    source_url = absolute_url(source, settings)
    if source_url.startswith(("http://", "https://")):
        calendar.add("source", source_url, parameters={"VALUE": "URI"})
    header = calendar.to_ical()[: -len(END_CALENDAR)]
    cache = serialized if serialized is not None else {}
    parts: list[bytes] = []
    for event in items:
        found = cache.get(id(event))
        if found is None:
            component = to_vevent(event, settings, fallback_stamp, gettext)
            found = cache[id(event)] = (component, component.to_ical())
        calendar.add_component(found[0])
        parts.append(found[1])
    if items:
        # one VTIMEZONE per TZID used (UTC times need none), before the events, sorted
        first, last = zone_range(items)
        zones = [vtimezone_ical(zone, first, last)
                 for zone in sorted(calendar.get_missing_tzids())]
        parts[:0] = zones
    return b"".join([header, *parts, END_CALENDAR])


@functools.lru_cache(maxsize=512)
def vtimezone_ical(zone: str, first: date, last: date) -> bytes:
    """The VTIMEZONE's bytes, serialized once per build process (see :func:`vtimezone`)."""
    return vtimezone(zone, first, last).to_ical()


@functools.lru_cache(maxsize=512)
def vtimezone(zone: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE of ``zone`` over those years, computed once per build process.

    Computing transitions is the costliest part of a calendar, and every event's own
    calendar needs its zone again; the component is only serialized, never changed.
    """
    return Timezone.from_tzid(zone, first_date=first, last_date=last)


# --- "add to calendar" links -----------------------------------------------------

def _utc_compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_to_calendar_links(event: Any, start: datetime, end: datetime,
                          settings: Mapping[str, Any], gettext: Gettext) -> dict[str, str]:
    """Links that open a pre-filled event in Google Calendar and Outlook, in UTC times.

    They describe one session (the next one of a recurring event); the ``.ics``
    file carries the whole series.
    """
    title = display_title(event, gettext)
    url = page_url(event, settings)
    details = "\n\n".join(p for p in (event_text(event)[:500], url) if p)
    place = location_text(event)
    google = {"action": "TEMPLATE", "text": title,
              "dates": f"{_utc_compact(start)}/{_utc_compact(end)}",
              "details": details, "location": place, "ctz": event.timezone}
    outlook = {"path": "/calendar/action/compose", "rru": "addevent", "subject": title,
               "startdt": _utc_iso(start), "enddt": _utc_iso(end), "body": details,
               "location": place}
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google),
        "outlook": "https://outlook.live.com/calendar/0/action/compose?" + urlencode(outlook),
        "office365": "https://outlook.office.com/calendar/0/action/compose?" + urlencode(outlook),
    }
