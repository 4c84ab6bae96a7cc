"""Sites moving from pelican-events: articles with ``event-*`` metadata become events.

pelican-events (0.1.4 and the older ``events`` plugin) reads ``event-start``,
``event-end`` or ``event-duration``, ``event-location`` and passes other
``event-<iCalendar property>`` keys (``event-url``, ``event-geo``,
``event-categories``, ``event-status``, ``event-x-...``) into its calendar. A
site using it builds unchanged with Agora: the articles stay articles, their
``event-*`` fields are validated like any field (no "unknown field" warnings, a
bad date is an error naming the file and field), and each one is also listed as
an event, in the calendars, linking back to the article.

Times are read in the site's ``TIMEZONE`` (pelican-events' own
``PLUGIN_EVENTS['timezone']`` when ``TIMEZONE`` is unset) unless they carry an
offset; pelican-events dropped offsets. Its templates keep working too: the
context gets ``events_list`` and ``upcoming_events_list`` and each article an
``event_plugin_data`` with ``dtstart``/``dtend``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as date_parser

from agora.content import fields as f
from agora.content.schema import TypeExtension
from agora.events.model import DEFAULT_DURATION, Event, geo_problem, localize
from agora.problems import Problem, problem

PREFIX = "event-"
UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
DURATION_PART_RE = re.compile(r"^(\d+(?:\.\d+)?)([wdhms])$")
# iCalendar properties pelican-events copies from ``event-<name>`` into its calendar
PASSTHROUGH = ("comment", "conference", "image", "link", "source", "concept", "refid",
               "styled-description", "created", "refresh-interval")
STATUS_MAP = {"confirmed": "scheduled", "tentative": "scheduled", "cancelled": "cancelled",
              **{s: s for s in ("scheduled", "postponed", "rescheduled", "moved-online")}}
PELICAN_EVENTS_DATE = "a date-time like 2015-01-21 10:30 (or ISO 2015-01-21T10:30)"


def _moment(value: Any) -> datetime:
    """pelican-events accepted anything dateutil parses; ISO first, then the same leniency."""
    if isinstance(value, datetime):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return date_parser.parse(text)
    except (ValueError, OverflowError):
        raise f.Invalid(PELICAN_EVENTS_DATE) from None


def _duration(value: Any) -> timedelta:
    """pelican-events durations: ``2h``, ``1h 30m``, ``1d``, ``90m``, ``1.5h``."""
    parts = str(value).split()
    amounts: dict[str, float] = {}
    for part in parts:
        match = DURATION_PART_RE.match(part.strip().lower())
        if not match:
            raise f.Invalid("a duration like 2h, 1h 30m or 90m (units w, d, h, m, s)")
        amounts[UNITS[match.group(2)]] = amounts.get(UNITS[match.group(2)], 0) + float(
            match.group(1))
    delta = timedelta(**amounts)
    if not parts or delta <= timedelta(0):
        raise f.Invalid("a duration longer than zero like 2h")
    return delta


def _geo(value: Any) -> str:
    text = str(value).strip()
    why = geo_problem(text)
    if why:
        raise f.Invalid(why)
    return text


def _status(value: Any) -> str:
    key = str(value).strip().lower()
    if key not in STATUS_MAP:
        raise f.Invalid("CONFIRMED, TENTATIVE or CANCELLED")
    return STATUS_MAP[key]


_EVENT_ARTICLE_FIELDS: dict[str, f.Field] = {
    "event-start": f.Field("date-time", _moment, help="pelican-events: start of the event"),
    "event-end": f.Field("date-time", _moment, help="pelican-events: end of the event"),
    "event-duration": f.Field("duration", _duration, help="pelican-events: 2h, 1h 30m"),
    "event-location": f.text(help="pelican-events: where the event takes place"),
    "event-url": f.text(help="pelican-events: URL of the event"),
    "event-geo": f.Field("geo", _geo, help="pelican-events: latitude;longitude"),
    "event-categories": f.list_of(f.text(), help="pelican-events: calendar categories"),
    "event-status": f.Field("choice", _status, help="pelican-events: CONFIRMED, CANCELLED"),
    "event-summary": f.text(help="pelican-events: calendar title"),
    "event-description": f.text(help="pelican-events: calendar description"),
    "event-uid": f.text(help="pelican-events: calendar UID"),
    **{PREFIX + name: f.text(help=f"pelican-events: iCalendar {name.upper()}")
       for name in PASSTHROUGH},
}
# Accepted for compatibility, not advertised to editors of new content.
EVENT_ARTICLE_FIELDS = {name: dataclasses.replace(spec, listed=False)
                        for name, spec in _EVENT_ARTICLE_FIELDS.items()}
EXPERIMENTAL = f.text(help="pelican-events: experimental iCalendar property")


def validate_article_event(clean: dict[str, Any], path: str,
                           settings: Mapping[str, Any]) -> list[Problem]:
    """Cross-field rules of pelican-events metadata, reported like every other problem."""
    keys = [k for k in clean if k.startswith(PREFIX)]
    if not keys:
        return []
    if "event-start" not in clean:
        return [problem(path, "event-start", "expected the start of the event "
                        f"(found {', '.join(sorted(keys))} without it)",
                        found_text="nothing", severity="warning")]
    zone = migration_zone(settings)
    start = localize(clean["event-start"], zone)
    problems = []
    if "event-end" in clean and "event-duration" in clean:
        problems.append(problem(path, "event-duration",
                                "expected either event-end or event-duration, not both",
                                str(clean["event-duration"])))
    if "event-end" in clean and localize(clean["event-end"], zone) <= start:
        problems.append(problem(path, "event-end", f"expected a time after event-start "
                                f"({start.isoformat()})", clean["event-end"].isoformat()))
    return problems


#: What the events capability teaches the article type (see the module doc).
ARTICLE_EXTENSION = TypeExtension("article", EVENT_ARTICLE_FIELDS,
                                  prefixes={PREFIX + "x-": EXPERIMENTAL},
                                  validate=validate_article_event)


def migration_zone(settings: Mapping[str, Any]) -> ZoneInfo:
    """The zone of times without offset: TIMEZONE, else pelican-events' own setting, else UTC."""
    options = settings.get("PLUGIN_EVENTS") or {}
    name = settings.get("TIMEZONE") or (options.get("timezone") if isinstance(options, Mapping)
                                        else None) or "UTC"
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return ZoneInfo("UTC")


def _location_fields(text: str | None) -> dict[str, Any]:
    if not text:
        return {"attendance": "online"}
    if re.match(r"^https?://", text):
        return {"attendance": "online", "online_url": text}
    return {"attendance": "in-person", "location": {"name": text}}


def event_from_article(article: Any, settings: Mapping[str, Any],
                       context: dict[str, Any]) -> Event:
    """An :class:`Event` for a pelican-events article; its URL stays the article's."""
    meta = article.metadata
    zone = migration_zone(settings)
    start = localize(meta["event-start"], zone)
    values: dict[str, Any] = {
        "title": article.title, "slug": article.slug, "start": start,
        "timezone": zone.key, "lang": article.lang, "url": article.url,
        "save_as": "", "format": "other",
        **_location_fields(meta.get("event-location")),
    }
    if "event-end" in meta:
        values["end"] = localize(meta["event-end"], zone)
    else:
        values["duration"] = meta.get("event-duration") or DEFAULT_DURATION
    for name in ("date", "modified", "summary"):
        if name in meta:
            values[name] = meta[name]
    if meta.get("event-status"):
        values["status"] = meta["event-status"]
    tags = meta.get("event-categories") or [str(t) for t in getattr(article, "tags", []) or []]
    if tags:
        values["tags"] = [str(t) for t in tags]
    if meta.get("event-geo"):
        values.setdefault("location", {})["geo"] = meta["event-geo"]
    event = Event(article._content, metadata=values, settings=settings,
                  source_path=article.source_path, context=context)
    event.migrated_from = article
    extra: dict[str, Any] = {"properties": {}}
    for source, target in (("event-uid", "uid"), ("event-summary", "summary"),
                           ("event-description", "description")):
        if meta.get(source):
            extra[target] = meta[source]
    if str(meta.get("event-url", "")).startswith(("http://", "https://")):
        extra["url"] = meta["event-url"]
    for key, value in meta.items():
        name = key[len(PREFIX):] if key.startswith(PREFIX) else ""
        if name in PASSTHROUGH or name.startswith("x-"):
            extra["properties"][name] = value
    event.calendar_extra = extra
    article.event_plugin_data = {"dtstart": event.start, "dtend": event.end}
    return event


def events_from_articles(articles: list[Any], settings: Mapping[str, Any],
                         context: dict[str, Any]) -> list[Event]:
    """Events for every published article carrying ``event-start``."""
    return [event_from_article(a, settings, context) for a in articles
            if isinstance(a.metadata.get("event-start"), datetime)]
