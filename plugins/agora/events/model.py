"""The event content type: schema, validation and the ``Event`` content class."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agora.content import fields as f
from agora.content.generator import AgoraContent
from agora.content.schema import ContentType, make_schema, register_content_type
from agora.problems import Problem, problem

FORMATS = ("webinar", "ama", "live-faq", "meetup", "workshop", "conference", "interview",
           "social", "other")
ATTENDANCE = ("online", "in-person", "mixed")
EVENT_STATUSES = ("scheduled", "cancelled", "postponed", "rescheduled", "moved-online")
PUBLICATION_STATUSES = ("published", "hidden", "draft", "skip")
DEFAULT_DURATION = timedelta(hours=1)

LOCATION = f.mapping({
    "name": f.text(), "address": f.text(), "postal_code": f.text(), "city": f.text(),
    "region": f.text(), "country": f.text(), "geo": f.text(help="latitude,longitude"),
})

EVENT = make_schema(
    "event",
    start=f.datetime_field(required=True, help="local start like 2026-12-03T18:00"),
    end=f.datetime_field(help="local end, same day or later"),
    duration=f.duration(help="instead of end: 90min, 1h30"),
    timezone=f.timezone(help="IANA zone of start/end; default the site's TIMEZONE"),
    format=f.choice(FORMATS, help="kind of event"),
    attendance=f.choice(ATTENDANCE, help="online, in-person or mixed"),
    location=LOCATION,
    online_url=f.url(),
    registration_url=f.url(),
    capacity=f.integer(minimum=1),
    status=f.choice(EVENT_STATUSES + PUBLICATION_STATUSES,
                    help="scheduled, cancelled, postponed, rescheduled, moved-online"),
    previous_start=f.datetime_field(help="the old start of a rescheduled event"),
    rrule=f.text(help="recurrence rule like FREQ=WEEKLY;BYDAY=TU"),
    exdates=f.list_of(f.datetime_field(), help="dates the recurrence skips"),
    hosts=f.list_of(f.slug(ref="member"), help="member slugs"),
    speakers=f.list_of(f.slug(ref="member"), help="member slugs"),
    recording_url=f.url(),
    slides_url=f.url(),
    series=f.slug(ref="series"),
    category=f.text(),
    author=f.slug(ref="member"),
)


def zone_of(metadata: Mapping[str, Any], settings: Mapping[str, Any]) -> ZoneInfo:
    return ZoneInfo(metadata.get("timezone") or settings.get("TIMEZONE") or "UTC")


def localize(moment: datetime, zone: ZoneInfo) -> datetime:
    """Attach the event's zone to a naive local time; keep an explicit offset as written."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def validate_event(clean: dict[str, Any], path: str, settings: Mapping[str, Any]) -> list[Problem]:
    """Rules across fields: end after start, not both end and duration."""
    problems = []
    if "start" not in clean:
        return problems
    zone = zone_of(clean, settings)
    start = localize(clean["start"], zone)
    if "end" in clean and "duration" in clean:
        problems.append(problem(path, "duration", "expected either end or duration, not both",
                                str(clean["duration"])))
    if "end" in clean and localize(clean["end"], zone) <= start:
        problems.append(problem(path, "end", f"expected a time after start ({start.isoformat()})",
                                clean["end"].isoformat()))
    if clean.get("status") == "rescheduled" and "previous_start" not in clean:
        problems.append(problem(path, "previous_start",
                                "expected the old start of a rescheduled event",
                                found_text="nothing", severity="warning"))
    return problems


class Event(AgoraContent):
    """One event; ``start``/``end`` are aware datetimes in the event's own zone."""

    default_template = "event"

    def __init__(self, *args: Any, **kwargs: Any):
        metadata = dict(kwargs.get("metadata") or (args[1] if len(args) > 1 else {}))
        status = metadata.get("status")
        if status in EVENT_STATUSES:
            metadata["event_status"] = metadata.pop("status")
        if "metadata" in kwargs:
            kwargs["metadata"] = metadata
        else:
            args = (args[0], metadata, *args[2:])
        super().__init__(*args, **kwargs)
        self.event_status = getattr(self, "event_status", "scheduled")
        zone = zone_of(self.metadata, self.settings)
        self.tz = zone
        self.timezone = str(zone)
        self.start = localize(self.start, zone)
        if getattr(self, "end", None):
            self.end = localize(self.end, zone)
        else:
            self.end = self.start + getattr(self, "duration", DEFAULT_DURATION)
        if getattr(self, "previous_start", None):
            self.previous_start = localize(self.previous_start, zone)
        if not hasattr(self, "date"):
            self.date = self.start  # feeds and sorting treat the start as the date
        self.format = getattr(self, "format", "other")
        self.attendance = getattr(self, "attendance", "in-person" if getattr(
            self, "location", None) else "online")

    @property
    def is_cancelled(self) -> bool:
        return self.event_status == "cancelled"


register_content_type(ContentType(
    "event", EVENT, paths_setting="EVENT_PATHS", extra={"validate": validate_event},
))
