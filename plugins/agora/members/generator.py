"""Reads member profiles; only consenting members are ever published.

Two steps, because Pelican runs plugin generators in no guaranteed order:

1. :meth:`MembersGenerator.generate_context` works from the profiles alone:
   consent, reconfirmation (warnings, unlisting), avatars; it publishes
   ``hub.members`` (:class:`~agora.members.view.MembersView`);
2. :meth:`MembersGenerator.link_content` runs when the hub is complete
   (``Capability.complete_hub``), once articles, events and the forum view are
   on the hub, and before any page is written: it attaches articles,
   spotlights, events and forum activity to profiles and picks the home page's
   spotlight and the top contributors.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from agora import clock
from agora.content.generator import ContentTypeGenerator
from agora.content.reader import display_path
from agora.content.schema import known_keys
from agora.content.types import Series
from agora.core.pages import write_in_languages
from agora.hub import Hub, translated
from agora.members import recognition
from agora.members.avatars import avatar_image, cache_folder, write_avatar
from agora.members.checks import reconfirmation, reconfirmation_problem
from agora.members.model import Member
from agora.members.view import MembersView
from agora.settings import options
from agora.state import build_state, report
from agora.urls import ForumUrls

logger = logging.getLogger(__name__)

#: Facts about a member that a translated profile need not repeat.
INHERITED_FIELDS = ("roles", "since", "discourse", "links", "location", "expertise",
                    "reconfirmed")


def join_spotlight_series(articles: list[Any], series: Mapping[str, Series]) -> None:
    """Spotlight articles without a ``series:`` join the series marked ``spotlight``."""
    slug = next((s for s, info in series.items() if info.spotlight), None)
    if slug is None:
        return
    for article in articles:
        if getattr(article, "spotlight", None) and not getattr(article, "series", None):
            article.series = slug


def is_over(event: Any, now: datetime) -> bool:
    """Whether an event (or one of its sessions) no longer has a date to come."""
    over = getattr(event, "is_past", None)
    return bool(over) if over is not None else bool(event.end <= now)


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

    def generate_context(self) -> None:
        # Pelican caches content objects at the end of super().generate_context():
        # everything derived per build is attached afterwards, never pickled.
        super().generate_context()
        # Forum accounts of profiles without consent (even ones that failed validation).
        for info in (known_keys("member", self.settings) or {}).values():
            if info.get("unpublishable") and info.get("discourse"):
                self.withheld_usernames.add(info["discourse"])
        today = clock.today(self.settings)
        everyone = [*self.items, *self.translations, *self.hidden_items]
        for member in everyone:
            member.reset_build_data()
            if getattr(member, "avatar", None):
                member.avatar_image = avatar_image(member.slug, member.avatar, self.settings)
        self.inherit_from_originals()
        self.check_reconfirmation(today)
        self.listed = sorted((m for m in self.items if m.listed),
                             key=lambda m: recognition.sort_key(m.name))
        weeks = options(self.settings).members_anniversary_weeks
        withheld = {slug: info for slug, info in
                    (known_keys("member", self.settings) or {}).items()
                    if info.get("unpublishable")}
        self.view = MembersView(
            by_slug={m.slug: m for m in [*self.items, *self.hidden_items]},
            listed=self.listed, withheld_usernames=frozenset(self.withheld_usernames),
            withheld_slugs=frozenset(withheld), today=today, anniversary_weeks=weeks,
            withheld_sources=frozenset(source for info in withheld.values()
                                       for sources in info["sources"].values()
                                       for source in sources))
        state = build_state(self.settings)
        if state is not None:
            state.hub.members = self.view
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
        for member in [*self.items, *self.hidden_items]:
            shown = display_path(member.source_path, self.settings.get("PATH"))
            found = reconfirmation_problem(shown, member.reconfirmed, today, self.settings)
            if found is not None:
                report(self.settings, found)
            if reconfirmation(member.reconfirmed, self.settings).is_hidden(today):
                member.listed = False
                if member.discourse:
                    self.withheld_usernames.add(member.discourse.lower())

    def schedule_changes(self, today: date, weeks: int) -> None:
        """Tell the build report when the members pages change by themselves."""
        state = build_state(self.settings)
        if state is None:
            return
        for day in recognition.next_changes(self.listed, today, weeks):
            state.change_at(clock.local_midnight(day, self.settings),
                            "members: anniversaries and new members")
        for member in self.listed:
            hide_on = reconfirmation(member.reconfirmed, self.settings).hide_on
            if hide_on is not None and hide_on > today:
                state.change_at(clock.local_midnight(hide_on, self.settings),
                                f"member profile unlisted (not reconfirmed): {member.slug}")

    # -- step 2: what the rest of the site says about members ---------------------------

    def link_content(self, hub: Hub) -> None:
        """Attach articles, spotlights, events and forum activity; pick spotlight and top list."""
        articles = hub.blog.articles
        join_spotlight_series([*articles, *hub.blog.translations], hub.blog.series)
        by_author = recognition.articles_by_author(articles)
        spotlights = recognition.spotlights_by_member(articles)
        by_event = hub.events.by_member() if hub.events is not None else {}
        forum_urls = ForumUrls(hub.forum.url if hub.forum is not None
                               else options(self.settings).forum_url)
        for member in [*self.items, *self.translations, *self.hidden_items]:
            # a translated profile lists what it shows in its own language where it can
            member.articles = translated(by_author.get(member.slug, []), member.lang)
            member.spotlights = translated(spotlights.get(member.slug, []), member.lang)
            hosted = translated(by_event.get(member.slug, []), member.lang)
            member.upcoming_events = [e for e in hosted if not is_over(e, hub.now)]
            member.past_events = sorted((e for e in hosted if is_over(e, hub.now)),
                                        key=lambda e: e.start, reverse=True)
            if member.discourse and forum_urls:
                member.forum_profile_url = forum_urls.user(member.discourse)
                if hub.forum is not None:
                    member.forum = recognition.forum_stats(
                        member.discourse, hub.forum.snapshot.users, forum_urls)
        listed_by_slug = {m.slug: m for m in self.listed}
        self.view.latest_spotlight = recognition.latest_spotlight(articles, listed_by_slug)
        if hub.forum is not None:
            self.view.top_contributors = recognition.top_contributors(
                hub.forum.snapshot.directory, self.view.by_discourse, forum_urls,
                limit=options(self.settings).members_top_contributors,
                withheld_usernames=self.withheld_usernames, avatar_url=hub.forum.avatar)

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
        """The directory, in each language of the site (translated profiles where they exist)."""
        write_in_languages(self, writer, "agora/members", "members")


def link_members(generators: list[Any]) -> None:
    """``complete_hub``: every generator's context is complete now."""
    state = build_state(generators[0].settings) if generators else None
    if state is None:
        return
    for generator in generators:
        if isinstance(generator, MembersGenerator):
            generator.link_content(state.hub)
