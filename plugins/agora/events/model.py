"""The event content type: schema, validation and the ``Event`` content class.

One Markdown file in ``content/events/`` is the only record of an event: its
page, the listings, every calendar file and the structured data are computed
from the :class:`Event` built here. Times are read as wall-clock times in the
event's own zone (``timezone``, else the site's ``TIMEZONE``), so a weekly
meetup stays at 18:00 across a daylight-saving change and a Québec partner's
event is written in Québec time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agora import clock
from agora.content import fields as f
from agora.content.generator import AgoraContent
from agora.content.schema import ContentType, make_schema
from agora.events.recurrence import RuleError, check_exdates, normalize_rule
from agora.problems import Problem, problem

FORMATS = ("webinar", "ama", "live-faq", "meetup", "workshop", "conference", "interview",
           "social", "other")
ATTENDANCE = ("online", "in-person", "mixed")
EVENT_STATUSES = ("scheduled", "cancelled", "postponed", "rescheduled", "moved-online")
CHANGED_PLANS = EVENT_STATUSES[1:]
PUBLICATION_STATUSES = ("published", "hidden", "draft", "skip")
DEFAULT_DURATION = timedelta(hours=1)
DATE_ONLY_RE = re.compile(r"^\d{4}-\d\d-\d\d$")

LOCATION = f.mapping({
    "name": f.text(), "address": f.text(), "postal_code": f.text(), "city": f.text(),
    "region": f.text(), "country": f.text(), "geo": f.text(help="latitude,longitude"),
})


def _day_or_moment(value: Any) -> date | datetime:
    """An excluded date: a plain date skips that day's session, a date-time that session."""
    if isinstance(value, datetime | date):
        return value
    text_value = str(value).strip()
    if DATE_ONLY_RE.match(text_value):
        return date.fromisoformat(text_value)
    return f.datetime_field().coerce(text_value)


def exdate_field() -> f.Field:
    return f.Field("date or date-time", _day_or_moment)


EVENT = make_schema(
    "event",
    start=f.datetime_field(required=True, help="local start like 2026-12-03T18:00"),
    end=f.datetime_field(help="local end, same day or later"),
    duration=f.duration(help="instead of end: 90min, 1h30"),
    timezone=f.timezone(help="IANA zone of start/end; default the site's TIMEZONE"),
    format=f.choice(FORMATS, help="kind of event"),
    attendance=f.choice(ATTENDANCE, help="online, in-person or mixed"),
    location=LOCATION,
    online_url=f.url(help="where online participants join"),
    registration_url=f.url(),
    capacity=f.integer(minimum=1),
    status=f.choice(EVENT_STATUSES + PUBLICATION_STATUSES,
                    help="scheduled, cancelled, postponed, rescheduled, moved-online"),
    previous_start=f.datetime_field(help="the old start of a rescheduled event"),
    rrule=f.text(help="recurrence rule like FREQ=WEEKLY;BYDAY=TU"),
    exdates=f.list_of(exdate_field(), help="dates the recurrence skips"),
    hosts=f.list_of(f.slug(ref="member"), help="member slugs"),
    speakers=f.list_of(f.slug(ref="member"), help="member slugs"),
    recording_url=f.url(),
    slides_url=f.url(),
    series=f.slug(ref="series"),
    category=f.text(),
    author=f.slug(ref="member"),
)


# --- times ------------------------------------------------------------------

def zone_of(metadata: Mapping[str, Any], settings: Mapping[str, Any]) -> ZoneInfo:
    zone = metadata.get("timezone")
    if isinstance(zone, ZoneInfo):
        return zone
    return ZoneInfo(zone) if zone else clock.site_zone(settings)


def localize(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive time is wall-clock time in ``zone``; an explicit offset keeps its instant.

    Either way the result carries ``zone`` itself (not a fixed offset), so calendars
    get a ``TZID`` and recurrences follow the zone's daylight-saving rules.
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def wall_clock_problem(moment: datetime, zone: ZoneInfo) -> tuple[str, str] | None:
    """Why a naive local time does not name exactly one instant in ``zone``, if it does not.

    Returns (expected, severity): a time skipped by a daylight-saving change is an
    error (no one can attend it); a time that happens twice is a warning (the
    first one is used, as calendar applications do).
    """
    if moment.tzinfo is not None:
        return None
    aware = moment.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != moment:
        return f"a time that exists in {zone.key} (clocks jump forward at that hour)", "error"
    if aware.utcoffset() != moment.replace(tzinfo=zone, fold=1).utcoffset():
        return (f"an unambiguous time in {zone.key} (that hour happens twice; "
                "the first is used)"), "warning"
    return None


@dataclass(frozen=True)
class Times:
    """Where an event sits in time, computed the same way at validation and afterwards."""

    zone: ZoneInfo
    start: datetime
    end: datetime


def event_times(values: Mapping[str, Any], settings: Mapping[str, Any]) -> Times:
    zone = zone_of(values, settings)
    start = localize(values["start"], zone)
    if values.get("end"):
        end = localize(values["end"], zone)
    else:
        end = start + (values.get("duration") or DEFAULT_DURATION)
    return Times(zone, start, end)


def exdate_moments(exdates: list[date | datetime], start: datetime) -> list[datetime]:
    """Excluded sessions as aware start times; a plain date means that day's session."""
    moments = []
    for item in exdates:
        if isinstance(item, datetime):
            moments.append(localize(item, start.tzinfo))  # type: ignore[arg-type]
        else:
            moments.append(datetime.combine(item, time(start.hour, start.minute, start.second),
                                            tzinfo=start.tzinfo))
    return moments


# --- validation ---------------------------------------------------------------

def validate_event(clean: dict[str, Any], path: str, settings: Mapping[str, Any]) -> list[Problem]:
    """Rules across fields: end after start, a parsable recurrence, a usable place..."""
    problems: list[Problem] = []
    if "start" not in clean:
        return problems
    zone = zone_of(clean, settings)
    for name in ("start", "end", "previous_start"):
        if isinstance(clean.get(name), datetime):
            why = wall_clock_problem(clean[name], zone)
            if why:
                problems.append(problem(path, name, f"expected {why[0]}",
                                        clean[name].isoformat(timespec="minutes"),
                                        severity=why[1]))
    if any(p.severity == "error" for p in problems):
        return problems
    times = event_times(clean, settings)
    if "end" in clean and "duration" in clean:
        problems.append(problem(path, "duration", "expected either end or duration, not both",
                                str(clean["duration"])))
    if "end" in clean and times.end <= times.start:
        problems.append(problem(path, "end", f"expected a time after start "
                                f"({times.start.isoformat()})", clean["end"].isoformat()))
    if clean.get("status") == "rescheduled" and "previous_start" not in clean:
        problems.append(problem(path, "previous_start",
                                "expected the old start of a rescheduled event",
                                found_text="nothing", severity="warning"))
    if clean.get("status") in CHANGED_PLANS and "modified" not in clean:
        problems.append(problem(path, "modified", f"expected the date plans changed for a "
                                f"{clean['status']} event (feeds and calendars show the "
                                "change from it)", found_text="nothing", severity="warning"))
    problems += _recurrence_problems(clean, path, times)
    attendance = clean.get("attendance")
    place = clean.get("location") or {}
    if attendance in ("in-person", "mixed") and not (place.get("address") or place.get("city")):
        problems.append(problem(
            path, "location", f"expected an address or city for an {attendance} event "
            "(people and search engines need to know where)",
            found_text="no address" if place else "nothing", severity="warning"))
    return problems


def _recurrence_problems(clean: Mapping[str, Any], path: str, times: Times) -> list[Problem]:
    if "rrule" not in clean:
        if clean.get("exdates"):
            return [problem(path, "exdates", "expected exdates only with an rrule",
                            found_text="exdates without a recurrence")]
        return []
    try:
        rule = normalize_rule(clean["rrule"], times.start)
    except RuleError as exc:
        return [problem(path, "rrule", f"expected {exc}", clean["rrule"])]
    missing = check_exdates(rule, times.start, times.end,
                            exdate_moments(clean.get("exdates", []), times.start))
    if missing:
        return [problem(path, "exdates", "expected dates the recurrence falls on "
                        f"(sessions start at {times.start.strftime('%H:%M')})",
                        found_text=", ".join(m.strftime("%Y-%m-%dT%H:%M") for m in missing))]
    return []


# --- the content class ----------------------------------------------------------

class Event(AgoraContent):
    """One event; ``start``/``end`` are aware datetimes in the event's own zone.

    ``event_status`` holds the event's life cycle (Pelican's ``status`` is the
    publication status, and both share the ``status`` front-matter key).
    Listings and calendars read :attr:`rule` and :attr:`excluded`; the generator
    adds, at each build, what depends on the clock (occurrences, past or not).
    """

    default_template = "agora/event"
    # set from the front matter by Pelican, then localized in __init__
    start: datetime
    end: datetime
    previous_start: datetime | None

    def __init__(self, *args: Any, **kwargs: Any):
        metadata = dict(kwargs.get("metadata") or (args[1] if len(args) > 1 else {}))
        if metadata.get("status") in EVENT_STATUSES:
            metadata["event_status"] = metadata.pop("status")
        if "metadata" in kwargs or len(args) <= 1:
            kwargs["metadata"] = metadata
        else:
            args = (args[0], metadata, *args[2:])
        super().__init__(*args, **kwargs)
        self.event_status = getattr(self, "event_status", "scheduled")
        times = event_times({**self.metadata, "start": self.start}, self.settings)
        self.tz = times.zone
        self.timezone = times.zone.key
        self.start, self.end = times.start, times.end
        self.duration = self.end - self.start
        previous = getattr(self, "previous_start", None)
        if previous is not None:
            self.previous_start = localize(previous, times.zone)
        if not hasattr(self, "date"):
            self.date = self.start  # feeds and sorting treat the start as the date
        self.format = getattr(self, "format", "other")
        self.attendance = getattr(self, "attendance", "in-person" if getattr(
            self, "location", None) else "online")
        self.location = getattr(self, "location", None) or {}
        self.hosts = list(getattr(self, "hosts", []) or [])
        self.speakers = list(getattr(self, "speakers", []) or [])
        raw_rule = getattr(self, "rrule", None)
        self.rule = normalize_rule(raw_rule, self.start) if raw_rule else None
        self.excluded = exdate_moments(list(getattr(self, "exdates", []) or []), self.start)
        self.migrated_from: Any = None  # the article, for events from pelican-events metadata
        self.calendar_extra: dict[str, Any] = {}

    @property
    def is_recurring(self) -> bool:
        return self.rule is not None

    @property
    def effective_attendance(self) -> str:
        """An event moved online is online, whatever it was planned as."""
        return "online" if self.event_status == "moved-online" else self.attendance

    @property
    def tag_names(self) -> list[str]:
        return [str(t) for t in getattr(self, "tags", []) or []]

    @property
    def place_line(self) -> str:
        """The place on one line: for calendars and listings."""
        parts = [self.location.get("name"), self.location.get("address"),
                 " ".join(p for p in (self.location.get("postal_code"),
                                      self.location.get("city")) if p),
                 self.location.get("country")]
        return ", ".join(p for p in parts if p)

    @property
    def geo(self) -> tuple[float, float] | None:
        raw = self.location.get("geo")
        if not raw:
            return None
        try:
            lat, lon = (float(p) for p in re.split(r"[;,]\s*", str(raw).strip()))
        except ValueError:
            return None
        return lat, lon


def geo_problem(value: str) -> str | None:
    try:
        lat, lon = (float(p) for p in re.split(r"[;,]\s*", value.strip()))
    except ValueError:
        return "latitude,longitude like 45.77,4.83"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "a latitude between -90 and 90 and a longitude between -180 and 180"
    return None


def _validate_with_geo(clean: dict[str, Any], path: str,
                       settings: Mapping[str, Any]) -> list[Problem]:
    problems = validate_event(clean, path, settings)
    geo = (clean.get("location") or {}).get("geo")
    if geo and (why := geo_problem(str(geo))):
        problems.append(problem(path, "location", f"geo: expected {why}", str(geo)))
    return problems


CONTENT_TYPE = ContentType("event", EVENT, paths_setting="EVENT_PATHS",
                           validate=_validate_with_geo)
