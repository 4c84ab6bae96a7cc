"""Members: directory and profiles, published only with the member's consent."""

from __future__ import annotations

from typing import Any

from pelican import signals

from agora.members.generator import MembersGenerator


def get_generators(pelican: Any) -> type:
    return MembersGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
