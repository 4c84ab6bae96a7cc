"""Members: directory, profiles, spotlights and recognition, on consent and real signals.

Signals used, and why:

- ``get_generators`` adds :class:`~agora.members.generator.MembersGenerator`,
  which reads ``content/members/`` and publishes only consenting profiles;
- ``all_generators_finalized``: plugin generators run in no fixed order, so
  what articles, events and the forum say about members is linked here, after
  every generator has built its context and before any page is written.

Computations the newsletter reuses live in :mod:`agora.members.recognition`
(plain functions of data and a date) and :mod:`agora.members.checks`
(``stale_profiles`` for ``agora check``).
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from agora.content.schema import register_site_check
from agora.members.checks import unpublished_profiles
from agora.members.generator import MembersGenerator, link_members


def get_generators(pelican: Any) -> type:
    return MembersGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(link_members)
    register_site_check(unpublished_profiles)
