"""schema.org ``Event`` structured data for event pages.

Google's event rich result requires ``name``, ``startDate`` and ``location``;
it recommends ``description``, ``endDate``, ``eventStatus``,
``eventAttendanceMode``, ``image``, ``organizer``, ``performer``, ``offers`` and
``previousStartDate``. Dates carry their UTC offset. A recurring event is
described as one ``Event`` per upcoming session, as Google asks for series.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from markupsafe import Markup

from agora.events.ics import absolute_url, event_text, page_url, plain_text

SCHEMA = "https://schema.org/"
STATUS = {
    "scheduled": "EventScheduled",
    "cancelled": "EventCancelled",
    "postponed": "EventPostponed",
    "rescheduled": "EventRescheduled",
    "moved-online": "EventMovedOnline",
}
ATTENDANCE = {
    "online": "OnlineEventAttendanceMode",
    "in-person": "OfflineEventAttendanceMode",
    "mixed": "MixedEventAttendanceMode",
}
MAX_SESSIONS = 10


def _place(event: Any) -> dict[str, Any]:
    where = event.location
    address = {"@type": "PostalAddress"}
    for key, schema_key in (("address", "streetAddress"), ("postal_code", "postalCode"),
                            ("city", "addressLocality"), ("region", "addressRegion"),
                            ("country", "addressCountry")):
        if where.get(key):
            address[schema_key] = where[key]
    place: dict[str, Any] = {"@type": "Place",
                             "name": where.get("name") or where.get("city") or event.title}
    if len(address) > 1:
        place["address"] = address
    if event.geo:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": event.geo[0],
                        "longitude": event.geo[1]}
    return place


def _virtual(event: Any, settings: Mapping[str, Any]) -> dict[str, Any]:
    return {"@type": "VirtualLocation",
            "url": getattr(event, "online_url", None) or page_url(event, settings)}


def location(event: Any, settings: Mapping[str, Any]) -> Any:
    mode = event.effective_attendance
    if mode == "online":
        return _virtual(event, settings)
    if mode == "mixed":
        return [_place(event), _virtual(event, settings)]
    return _place(event)


def _person(slug: str, people: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    member = people.get(slug)
    if member is None:
        return {"@type": "Person", "name": slug}
    return {"@type": "Person", "name": member.name, "url": absolute_url(member.url, settings)}


def _community(settings: Mapping[str, Any]) -> dict[str, Any]:
    organization = {"@type": "Organization", "name": settings.get("SITENAME", "")}
    base = absolute_url("", settings)
    if base:
        organization["url"] = base + "/" if not base.endswith("/") else base
    return organization


def describe(event: Any, sessions: Sequence[tuple[datetime, datetime]],
             settings: Mapping[str, Any], people: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One schema.org ``Event`` per session (one session unless the event recurs)."""
    url = page_url(event, settings)
    base: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": plain_text(event.title),
        "description": event_text(event),
        "url": url,
        "eventStatus": SCHEMA + STATUS.get(event.event_status, "EventScheduled"),
        "eventAttendanceMode": SCHEMA + ATTENDANCE[event.effective_attendance],
        "location": location(event, settings),
        "inLanguage": getattr(event, "lang", None) or settings.get("DEFAULT_LANG", "en"),
        "organizer": ([_person(s, people, settings) for s in event.hosts]
                      or _community(settings)),
    }
    if event.speakers:
        base["performer"] = [_person(s, people, settings) for s in event.speakers]
    image = getattr(event, "image", None)
    if image:
        base["image"] = [absolute_url(str(image), settings)]
    if getattr(event, "capacity", None):
        base["maximumAttendeeCapacity"] = event.capacity
    if getattr(event, "registration_url", None):
        base["offers"] = {"@type": "Offer", "url": event.registration_url,
                          "availability": SCHEMA + "InStock"}
    if event.event_status == "rescheduled" and getattr(event, "previous_start", None):
        base["previousStartDate"] = event.previous_start.isoformat()
    chosen = list(sessions)[:MAX_SESSIONS] or [(event.start, event.end)]
    described = []
    for start, end in chosen:
        item = dict(base, startDate=start.isoformat(), endDate=end.isoformat())
        if len(chosen) > 1:
            item["@id"] = f"{url}#{start.strftime('%Y-%m-%dT%H%M')}"
        described.append(item)
    return described


def script_body(data: Any) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">`` (no ``</script>`` breakout)."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
