"""Reads events, splits upcoming from past on Agora's clock, writes listings."""

from __future__ import annotations

from typing import Any

from agora import clock
from agora.content.generator import ContentTypeGenerator
from agora.core.state import build_state
from agora.events.model import Event


class EventsGenerator(ContentTypeGenerator):
    content_class = Event
    paths_setting = "EVENT_PATHS"
    excludes_setting = "EVENT_EXCLUDES"
    context_name = "events"
    template_variable = "event"
    order_by = "start"

    def prepare(self) -> None:
        state = build_state(self.settings)
        now = state.now if state else clock.now(self.settings)
        upcoming = sorted((e for e in self.items if e.end > now), key=lambda e: e.start)
        past = sorted((e for e in self.items if e.end <= now), key=lambda e: e.start,
                      reverse=True)
        self.context["upcoming_events"] = upcoming
        self.context["past_events"] = past
        if state:
            for event in upcoming:
                state.change_at(event.start, f"event starts: {event.slug}")
                state.change_at(event.end, f"event ends: {event.slug}")

    def write_listings(self, writer: Any) -> None:
        for template, save_as, url in (("events", "events/index.html", "events/"),
                                       ("events_past", "events/past/index.html", "events/past/")):
            writer.write_file(save_as, self.get_template(template), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], url=url,
                              page_url="events/", lang=self.settings["DEFAULT_LANG"])
