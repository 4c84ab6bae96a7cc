"""Events: one Markdown file per event drives its page and the listings.

Signals: ``get_generators`` adds :class:`EventsGenerator`, which reads
``content/events/`` after articles and pages so listings can show hosts.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from agora.events.generator import EventsGenerator


def get_generators(pelican: Any) -> type:
    return EventsGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
