"""What the hub knows of members: consent applied, once, before anyone reads it.

:class:`MembersView` is the members capability's slot of the hub model
(``hub.members``). Only profiles with ``consent: true`` are in it; forum
accounts of the others are in ``withheld_usernames`` so that nothing shows them
under their forum name either. Pages, feeds and the newsletter ask it who may
be named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from agora.members import recognition
from agora.members.model import ROLE_GROUP_LABELS, Member


@dataclass
class MembersView:
    """Published members of the build.

    ``by_slug`` holds every published profile (a profile unlisted for lapsed
    consent keeps its page, so bylines keep working); ``listed`` the directory.
    """

    by_slug: dict[str, Member]
    listed: list[Member]
    withheld_usernames: frozenset[str]
    #: member slugs whose profile may not be published: never named, linked or listed
    withheld_slugs: frozenset[str]
    today: date
    anniversary_weeks: int
    #: files of those profiles, relative to the content folder: ``build.json`` is
    #: published, so its messages say "a profile without consent" instead
    withheld_sources: frozenset[str] = frozenset()
    role_labels: Mapping[str, str] = field(default_factory=lambda: ROLE_GROUP_LABELS)
    #: Filled once every generator has read its content (see ``link_members``).
    latest_spotlight: recognition.Spotlight | None = None
    top_contributors: list[recognition.Contributor] = field(default_factory=list)

    def may_name(self, slug: str) -> bool:
        return slug in self.by_slug

    def named(self, slug: str) -> Member | None:
        return self.by_slug.get(slug)

    def profile_of(self, author: Any) -> Member | None:
        """The profile a byline's author is (a credited member), in this view's language."""
        slug = getattr(author, "member_slug", None)
        return self.by_slug.get(slug) if isinstance(slug, str) else None

    @cached_property
    def by_discourse(self) -> dict[str, Member]:
        return {m.discourse.lower(): m for m in self.listed if m.discourse}

    @cached_property
    def by_role(self) -> dict[str, list[Member]]:
        return recognition.members_by_role(self.listed)

    @cached_property
    def experts_by_topic(self) -> dict[str, list[Member]]:
        return recognition.experts_by_topic(self.listed)

    @cached_property
    def anniversaries(self) -> list[recognition.Anniversary]:
        return recognition.upcoming_anniversaries(self.listed, self.today,
                                                  self.anniversary_weeks)

    @cached_property
    def new_members(self) -> list[Member]:
        return recognition.new_members(self.listed, self.today)

    def joined_between(self, start: date | None, end: date) -> list[Member]:
        """Listed members whose ``since`` is in ``(start, end]``, newest first."""
        return sorted((m for m in self.listed if isinstance(m.since, date)
                       and (start is None or m.since > start) and m.since <= end),
                      key=lambda m: (m.since, recognition.sort_key(m.name)), reverse=True)

    def anniversaries_between(self, start: date, end: date) -> list[recognition.Anniversary]:
        """Membership anniversaries (a year or more) falling in ``[start, end]``."""
        weeks = max(1, (end - start).days // 7 + 1)
        return [a for a in recognition.upcoming_anniversaries(self.listed, start, weeks)
                if a.on <= end]

    def shown_username(self, username: Any) -> bool:
        """Whether a forum account may appear by name (it is not a withheld profile's)."""
        return str(username or "").lower() not in self.withheld_usernames


__all__ = ["MembersView"]
