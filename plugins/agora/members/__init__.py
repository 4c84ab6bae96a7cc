"""Members: directory, profiles, spotlights and recognition, on consent and real signals.

Signals used, and why:

- ``get_generators`` adds :class:`~agora.members.generator.MembersGenerator`,
  which reads ``content/members/`` and publishes only consenting profiles;
- ``content_object_init``: bylines credit consenting members (by slug or name)
  and leave out the others, and ``{author}`` links in the text naming a
  consenting member lead to the profile (:mod:`agora.members.authors`);
- when the hub is complete (``Capability.complete_hub``, after the forum has
  published its view): what articles, events and the forum say about members
  is linked there, before any page is written.

The hub's ``members`` slot (:class:`~agora.members.view.MembersView`) is what
pages, feeds and the newsletter read; its lists come from
:mod:`agora.members.recognition` (plain functions of data and a date).
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from agora.capability import Capability
from agora.members.authors import credit_members, link_member_authors
from agora.members.checks import unpublished_profiles
from agora.members.generator import MembersGenerator, link_members
from agora.members.model import CONTENT_TYPE


def get_generators(pelican: Any) -> type:
    return MembersGenerator


CAPABILITY = Capability(
    "agora.members",
    content_types=(CONTENT_TYPE,),
    site_checks=(unpublished_profiles,),
    receivers=((signals.get_generators, get_generators),
               (signals.content_object_init, credit_members),
               (signals.content_object_init, link_member_authors)),
    complete_hub=link_members,
)


def register() -> None:
    CAPABILITY.register()
