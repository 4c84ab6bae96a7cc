"""The forum's Pelican plugin: renders forum activity from the snapshot, never the network."""

from __future__ import annotations

from typing import Any

from pelican import signals

from agora.core.hub import TemplatePagesGenerator


class ForumGenerator(TemplatePagesGenerator):
    pages = (("forum", "forum/index.html"),)


def get_generators(pelican: Any) -> type:
    return ForumGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
