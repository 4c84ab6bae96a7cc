"""Seeing members: groups, experts, anniversaries, newcomers, top contributors, spotlights.

Plain functions of data and a date, so the members pages, the home page and
the newsletter compute the same lists the same way, and tests need no build.
Only *listed* members (published, consenting, reconfirmed in time) should be
passed in: these functions never decide consent themselves, except
:func:`top_contributors`, which also drops forum accounts of withheld profiles
(``withheld_usernames``) so a member who said no is not featured under their
forum name either.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from agora.clock import instant_or_none
from agora.members.avatars import initials
from agora.members.checks import add_months
from agora.urls import ForumUrls

ROLE_ORDER = ("ambassador", "moderator", "expert", "organiser", "staff", "newcomer", "member")


def sort_key(text: str) -> str:
    """Alphabetical order readers expect in French and English: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- the directory --------------------------------------------------------------------

def members_by_role(members: Iterable[Any]) -> dict[str, list[Any]]:
    """Role -> members holding it, roles in :data:`ROLE_ORDER`; a member may be in several.

    Members without a role are grouped under ``member``, so everyone is listed once at least.
    """
    groups: dict[str, list[Any]] = {role: [] for role in ROLE_ORDER}
    for member in sorted(members, key=lambda m: sort_key(m.name)):
        roles = [r for r in member.roles if r in groups] or ["member"]
        for role in dict.fromkeys(roles):
            groups[role].append(member)
    return {role: people for role, people in groups.items() if people}


def experts_by_topic(members: Iterable[Any]) -> dict[str, list[Any]]:
    """Topic -> members to ask about it ("who to ask about X"), topics alphabetical.

    Topics are merged whatever their case or accents ("Semences" and "semences");
    the first spelling met is shown.
    """
    topics: dict[str, tuple[str, list[Any]]] = {}
    for member in sorted(members, key=lambda m: sort_key(m.name)):
        for topic in member.expertise:
            key = sort_key(topic.strip())
            if not key:
                continue
            _first_spelling, people = topics.setdefault(key, (topic.strip(), []))
            if member not in people:
                people.append(member)
    return {label: people for _key, (label, people) in sorted(topics.items())}


# --- dates ------------------------------------------------------------------------------

def anniversary_in(since: date, year: int) -> date:
    """The anniversary of ``since`` in ``year`` (29 February falls on 28 February)."""
    return add_months(since, (year - since.year) * 12)


def next_anniversary(since: date, today: date) -> tuple[date, int] | None:
    """The first anniversary (one year or more) on or after ``today``: its day and years."""
    for year in (today.year, today.year + 1):
        day = anniversary_in(since, year)
        if year > since.year and day >= today:
            return day, year - since.year
    return None


@dataclass(frozen=True)
class Anniversary:
    member: Any
    on: date
    years: int


def upcoming_anniversaries(members: Iterable[Any], today: date, weeks: int = 4
                           ) -> list[Anniversary]:
    """Anniversaries (one year or more) from ``today`` to ``weeks`` ahead, soonest first."""
    horizon = today + timedelta(weeks=weeks)
    found = []
    for member in members:
        since = getattr(member, "since", None)
        upcoming = next_anniversary(since, today) if isinstance(since, date) else None
        if upcoming is not None and upcoming[0] <= horizon:
            found.append(Anniversary(member, *upcoming))
    return sorted(found, key=lambda a: (a.on, sort_key(a.member.name)))


def new_members(members: Iterable[Any], today: date) -> list[Any]:
    """Members who joined during ``today``'s calendar month (up to today), newest first."""
    joined = [m for m in members if isinstance(getattr(m, "since", None), date)
              and (m.since.year, m.since.month) == (today.year, today.month)
              and m.since <= today]
    return sorted(joined, key=lambda m: (m.since, sort_key(m.name)), reverse=True)


def next_changes(members: Iterable[Any], today: date, weeks: int = 4) -> list[date]:
    """Days on which the anniversary and new-member lists change (for ``next_change``)."""
    members = list(members)
    days = {add_months(today.replace(day=1), 1)} if members else set()  # new month, new list
    for member in members:
        since = getattr(member, "since", None)
        upcoming = next_anniversary(since, today) if isinstance(since, date) else None
        if upcoming is not None:
            enters = upcoming[0] - timedelta(weeks=weeks)
            days.add(enters if enters > today else upcoming[0] + timedelta(days=1))
    return sorted(d for d in days if d > today)


# --- forum ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Contributor:
    """A top contributor of the month; ``member`` is the profile when there is a public one."""

    username: str
    name: str
    likes_received: int
    post_count: int
    forum_url: str
    member: Any = None
    avatar_url: str | None = None

    @property
    def initials(self) -> str:
        return initials(self.name) if initials(self.name) != "?" else initials(self.username)


def top_contributors(
    directory: Sequence[Mapping[str, Any]],
    members_by_discourse: Mapping[str, Any],
    forum: ForumUrls,
    limit: int = 5,
    withheld_usernames: Iterable[str] = (),
    avatar_url: Callable[[str | None], str | None] | None = None,
) -> list[Contributor]:
    """The month's top contributors from Discourse's directory, by likes received then posts.

    Forum users without a public profile keep their public forum name and
    username and link to their forum profile; withheld profiles (no consent,
    lapsed consent) are left out altogether.
    """
    withheld = {u.lower() for u in withheld_usernames}
    people = []
    for entry in directory:
        username = str(entry.get("username") or "").strip()
        if not username or username.lower() in withheld:
            continue
        member = members_by_discourse.get(username.lower())
        people.append(Contributor(
            username=username,
            name=member.name if member is not None else str(entry.get("name") or username),
            likes_received=int(entry.get("likes_received") or 0),
            post_count=int(entry.get("post_count") or 0),
            forum_url=forum.user(username),
            member=member,
            avatar_url=(avatar_url(entry.get("avatar")) if avatar_url and member is None
                        else None),
        ))
    people.sort(key=lambda p: (-p.likes_received, -p.post_count, sort_key(p.username)))
    return people[: max(0, limit)]


@dataclass(frozen=True)
class ForumStats:
    """A member's public activity on the forum, from the snapshot."""

    username: str
    url: str
    post_count: int | None = None
    likes_received: int | None = None
    badges: list[Mapping[str, Any]] = field(default_factory=list)
    last_active: datetime | None = None
    title: str = ""




def forum_stats(username: str, users: Mapping[str, Mapping[str, Any]], forum: ForumUrls
                ) -> ForumStats | None:
    """Posts, likes received, badges and last activity of ``username`` (None if not synced)."""
    wanted = username.lower()
    profile = next((u for name, u in users.items() if name.lower() == wanted), None)
    if profile is None:
        return None
    badges = [b for b in (profile.get("badges") or []) if isinstance(b, Mapping) and b.get("name")]
    last = (instant_or_none(profile.get("last_seen_at"))
            or instant_or_none(profile.get("last_posted_at")))
    return ForumStats(
        username=str(profile.get("username") or username),
        url=str(profile.get("url") or forum.user(username)),
        post_count=profile.get("post_count"),
        likes_received=profile.get("likes_received"),
        badges=sorted(badges, key=lambda b: str(b.get("granted_at") or "")),
        last_active=last,
        title=str(profile.get("title") or ""),
    )


# --- what content says about members ----------------------------------------------------

def _newest_first(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda a: getattr(a, "date", None) or datetime.min, reverse=True)


def author_slugs(article: Any) -> list[str]:
    """Member slugs credited on an article (``author`` and ``authors``)."""
    names = [getattr(a, "slug", str(a)) for a in getattr(article, "authors", None) or []]
    author = getattr(article, "author", None)
    if author is not None:
        names.insert(0, getattr(author, "slug", str(author)))
    return list(dict.fromkeys(n for n in names if n))


def articles_by_author(articles: Iterable[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for article in articles:
        for slug in author_slugs(article):
            found.setdefault(slug, []).append(article)
    return {slug: _newest_first(items) for slug, items in found.items()}


def spotlights_by_member(articles: Iterable[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for article in articles:
        slug = getattr(article, "spotlight", None)
        if slug:
            found.setdefault(str(slug), []).append(article)
    return {slug: _newest_first(items) for slug, items in found.items()}


@dataclass(frozen=True)
class Spotlight:
    article: Any
    member: Any


def latest_spotlight(articles: Iterable[Any], members_by_slug: Mapping[str, Any]
                     ) -> Spotlight | None:
    """The newest published spotlight article about a listed member."""
    for article in _newest_first(articles):
        member = members_by_slug.get(str(getattr(article, "spotlight", "") or ""))
        if member is not None:
            return Spotlight(article, member)
    return None
