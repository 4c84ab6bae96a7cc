"""Events: one Markdown file per event drives its page, the listings, calendars and structured data.

The capability also teaches the article type pelican-events' ``event-*``
fields, so a migrating site gets no "unknown field" warnings and its bad dates
are reported like any other (:mod:`agora.events.migration`).

Signals used, and why:

- ``get_generators``: :class:`EventsGenerator` reads ``content/events/`` after
  articles (it lists pelican-events articles too) and before members and the
  forum, which read the events it publishes;
- ``generator_init``: every generator renders pages with event times, so each
  Jinja environment gets the time-zone filters.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_name
from jinja2 import pass_context
from pelican import signals

from agora.capability import Capability
from agora.core.i18n import page_lang
from agora.events.generator import EventsGenerator
from agora.events.migration import ARTICLE_EXTENSION
from agora.events.model import CONTENT_TYPE


def get_generators(pelican: Any) -> type:
    return EventsGenerator


def describe_zone(moment: datetime | None, lang: str) -> str:
    """"heure normale d’Europe centrale, UTC+01:00": the zone of a time, in ``lang``."""
    if moment is None or moment.tzinfo is None:
        return ""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    name = get_timezone_name(moment, width="long", locale=lang.replace("-", "_"))
    return f"{name}, UTC{sign}{hours:02d}:{rest:02d}"


@pass_context
def zone_name(context: Any, moment: datetime | None) -> str:
    """The ``event_zone_name`` filter: :func:`describe_zone` in the page's language."""
    return describe_zone(moment, page_lang(context))


def in_zone(moment: datetime | None, zone: str | None) -> datetime | None:
    """The same instant on the clocks of ``zone`` (the site's, the event's, UTC)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone) if zone else UTC)


def add_filters(generator: Any) -> None:
    generator.env.filters.update(event_zone_name=zone_name, event_in_zone=in_zone)


CAPABILITY = Capability(
    "agora.events",
    content_types=(CONTENT_TYPE,),
    extensions=(ARTICLE_EXTENSION,),
    receivers=((signals.get_generators, get_generators),
               (signals.generator_init, add_filters)),
)


def register() -> None:
    CAPABILITY.register()
