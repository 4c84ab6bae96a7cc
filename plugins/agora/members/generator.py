"""Reads member profiles; only consenting members are ever published.

Two steps, because Pelican runs plugin generators in no guaranteed order:

1. :meth:`MembersGenerator.generate_context` works from the profiles alone:
   consent, reconfirmation (warnings, unlisting), avatars, role groups,
   experts, anniversaries and new members;
2. :meth:`MembersGenerator.link_content` runs on ``all_generators_finalized``,
   once articles, events and the forum view exist, and before any page is
   written: it attaches articles, spotlights, events and forum activity to
   profiles and picks the home page's spotlight and the top contributors.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from agora import clock
from agora.content.generator import ContentTypeGenerator
from agora.content.reader import display_path
from agora.content.schema import known_keys
from agora.content.types import load_series
from agora.core.state import build_state
from agora.members import recognition
from agora.members.avatars import avatar_image, cache_folder, write_avatar
from agora.members.checks import (
    local_today,
    member_setting,
    reconfirmation,
    reconfirmation_problem,
)
from agora.members.model import ROLE_GROUP_LABELS, Member

logger = logging.getLogger(__name__)

#: Facts about a member that a translated profile need not repeat.
INHERITED_FIELDS = ("roles", "since", "discourse", "links", "location", "expertise",
                    "reconfirmed")


def join_spotlight_series(articles: list[Any], series: Mapping[str, Any]) -> None:
    """Spotlight articles without a ``series:`` join the series marked ``spotlight``."""
    slug = next((s for s, info in series.items() if info.get("spotlight")), None)
    if slug is None:
        return
    for article in articles:
        if getattr(article, "spotlight", None) and not getattr(article, "series", None):
            article.series = slug


def is_over(event: Any, now: Any) -> bool:
    """Whether an event (or one of its sessions) no longer has a date to come."""
    over = getattr(event, "is_past", None)
    return bool(over) if over is not None else event.end <= now


class MembersGenerator(ContentTypeGenerator):
    content_class = Member
    paths_setting = "MEMBER_PATHS"
    excludes_setting = "MEMBER_EXCLUDES"
    context_name = "members"
    template_variable = "member"
    order_by = "title"

    def __init__(self, *args: Any, **kwargs: Any):
        self.withheld_usernames: set[str] = set()
        self.listed: list[Member] = []
        super().__init__(*args, **kwargs)

    # -- step 1: profiles -------------------------------------------------------------

    def accept(self, obj: Any) -> bool:
        """Consent first: without ``consent: true`` nothing of the profile is used."""
        if not obj.consent:
            logger.info("%s: not published (no `consent: true`)", obj.source_path)
            return False
        return True

    def now(self) -> datetime:
        state = build_state(self.settings)
        return state.now if state else clock.now(self.settings)

    def generate_context(self) -> None:
        # Pelican caches content objects at the end of super().generate_context():
        # everything derived per build is attached afterwards, never pickled.
        super().generate_context()
        # Forum accounts of profiles without consent (even ones that failed validation).
        for info in (known_keys("member", self.settings) or {}).values():
            if info.get("unpublishable") and info.get("discourse"):
                self.withheld_usernames.add(info["discourse"])
        today = local_today(self.now(), self.settings)
        everyone = [*self.items, *self.translations, *self.hidden_items]
        for member in everyone:
            member.reset_build_data()
            if getattr(member, "avatar", None):
                member.avatar_image = avatar_image(member.slug, member.avatar, self.settings)
        self.inherit_from_originals()
        self.check_reconfirmation(today)
        self.listed = sorted((m for m in self.items if m.listed),
                             key=lambda m: recognition.sort_key(m.name))
        weeks = member_setting(self.settings, "AGORA_MEMBERS_ANNIVERSARY_WEEKS")
        self.context.update(
            members=self.listed,
            members_by_slug={m.slug: m for m in [*self.items, *self.hidden_items]},
            members_by_discourse={m.discourse.lower(): m for m in self.listed if m.discourse},
            members_by_role=recognition.members_by_role(self.listed),
            member_role_labels=ROLE_GROUP_LABELS,
            experts_by_topic=recognition.experts_by_topic(self.listed),
            upcoming_anniversaries=recognition.upcoming_anniversaries(self.listed, today, weeks),
            new_members=recognition.new_members(self.listed, today),
            # forum accounts of profiles without (valid) consent: never feature them
            withheld_forum_usernames=frozenset(self.withheld_usernames),
            # filled by link_content once the other generators are done
            latest_spotlight=None,
            top_contributors=[],
        )
        self.schedule_changes(today, weeks)

    def inherit_from_originals(self) -> None:
        """A translated profile translates text; what it leaves out comes from its original."""
        originals = {m.slug: m for m in [*self.items, *self.hidden_items]}
        for translation in self.translations:
            original = originals.get(translation.slug)
            if original is None:
                continue
            for name in INHERITED_FIELDS:
                if not getattr(translation, name, None) and getattr(original, name, None):
                    setattr(translation, name, getattr(original, name))
            if translation.avatar_image is None:
                translation.avatar_image = original.avatar_image

    def check_reconfirmation(self, today: date) -> None:
        """Warn about old consent; unlist profiles past the grace period."""
        state = build_state(self.settings)
        for member in [*self.items, *self.hidden_items]:
            shown = display_path(member.source_path, self.settings.get("PATH"))
            found = reconfirmation_problem(shown, member.reconfirmed, today, self.settings)
            if found is not None:
                if state is not None:
                    state.problems.add(found)
                else:
                    found.log()
            if reconfirmation(member.reconfirmed, self.settings).is_hidden(today):
                member.listed = False
                if member.discourse:
                    self.withheld_usernames.add(member.discourse.lower())

    def schedule_changes(self, today: date, weeks: int) -> None:
        """Tell the build report when the members pages change by themselves."""
        state = build_state(self.settings)
        if state is None:
            return
        zone = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")

        def midnight(day: date) -> datetime:
            return datetime.combine(day, time(0), tzinfo=zone)

        for day in recognition.next_changes(self.listed, today, weeks):
            state.change_at(midnight(day), "members: anniversaries and new members")
        for member in self.listed:
            hide_on = reconfirmation(member.reconfirmed, self.settings).hide_on
            if hide_on is not None and hide_on > today:
                state.change_at(midnight(hide_on),
                                f"member profile unlisted (not reconfirmed): {member.slug}")

    # -- step 2: what the rest of the site says about members ---------------------------

    def link_content(self) -> None:
        """Attach articles, spotlights, events and forum activity; pick spotlight and top list."""
        articles = list(self.context.get("articles") or [])
        join_spotlight_series(
            [*articles, *(self.context.get("translations") or [])],
            self.context.get("series_by_slug") or load_series(self.settings))
        events = list(self.context.get("events") or [])
        now = self.now()
        by_author = recognition.articles_by_author(articles)
        spotlights = recognition.spotlights_by_member(articles)
        # The events plugin's sessions know recurrences (a weekly meetup whose first date
        # is past is still upcoming); the plain grouping is the fallback without it.
        by_event = self.context.get("events_by_member")
        if by_event is None:
            by_event = recognition.events_by_member(events)
        snapshot, avatar_url = self.forum_snapshot()
        forum_url = (snapshot.forum_url if snapshot is not None
                     else self.settings.get("AGORA_FORUM_URL", "")).rstrip("/")
        for member in [*self.items, *self.translations, *self.hidden_items]:
            member.articles = by_author.get(member.slug, [])
            member.spotlights = spotlights.get(member.slug, [])
            hosted = by_event.get(member.slug, [])
            member.upcoming_events = [e for e in hosted if not is_over(e, now)]
            member.past_events = sorted((e for e in hosted if is_over(e, now)),
                                        key=lambda e: e.start, reverse=True)
            if member.discourse and forum_url:
                member.forum_profile_url = f"{forum_url}/u/{member.discourse}"
                if snapshot is not None:
                    member.forum = recognition.forum_stats(member.discourse, snapshot.users,
                                                           forum_url)
        listed_by_slug = {m.slug: m for m in self.listed}
        self.context["latest_spotlight"] = recognition.latest_spotlight(articles,
                                                                        listed_by_slug)
        if snapshot is not None:
            self.context["top_contributors"] = recognition.top_contributors(
                snapshot.directory, self.context.get("members_by_discourse", {}), forum_url,
                limit=member_setting(self.settings, "AGORA_MEMBERS_TOP_CONTRIBUTORS"),
                withheld_usernames=self.withheld_usernames, avatar_url=avatar_url)

    def forum_snapshot(self) -> tuple[Any, Any]:
        """The forum snapshot and its avatar publisher, as the forum plugin read them.

        ``None`` when the forum plugin found none (it already warned). Without
        the forum plugin, the snapshot is read here, and forum avatars are not used.
        """
        if "forum" in self.context:
            view = self.context["forum"]
            return (view.snapshot, view.avatar) if view is not None else (None, None)
        if not self.settings.get("AGORA_FORUM_URL"):
            return None, None
        try:
            from agora.forum.plugin import snapshot_dir  # noqa: PLC0415 - optional capability
            from agora.forum.snapshot import SnapshotError, load_snapshot  # noqa: PLC0415
        except ImportError:
            return None, None
        try:
            return load_snapshot(snapshot_dir(self.settings)), None
        except SnapshotError as exc:
            logger.debug("members: no forum data (%s)", exc)
            return None, None

    # -- output ------------------------------------------------------------------------

    def generate_output(self, writer: Any) -> None:
        super().generate_output(writer)
        cache = cache_folder(self.settings)
        written: set[str] = set()
        for member in [*self.items, *self.hidden_items, *self.translations]:
            image = member.avatar_image
            if image is None or image.files[0][1] in written:
                continue
            write_avatar(image, Path(self.output_path), cache)
            written.add(image.files[0][1])

    def write_listings(self, writer: Any) -> None:
        url = self.settings.get("MEMBERS_URL", "members/")
        writer.write_file(self.settings.get("MEMBERS_SAVE_AS", "members/index.html"),
                          self.get_template("members"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=url,
                          page_url=url, lang=self.settings["DEFAULT_LANG"])


def link_members(generators: list[Any]) -> None:
    """``all_generators_finalized`` receiver: every generator's context is complete now."""
    for generator in generators:
        if isinstance(generator, MembersGenerator):
            generator.link_content()
