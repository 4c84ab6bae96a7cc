"""The forum snapshot's schema, declared once: what ``snapshot.json`` holds.

The sync assembles a :class:`Document` from the records below, the loader
checks every value against these same declarations
(:mod:`agora.forum.validate`) and the view reads them. ``snapshot.json`` is
the document as JSON (``"format": 1``): ``taken_at`` as an ISO date-time,
``topics`` keyed by the id as text, keys sorted.

Records are ``TypedDict``: they are JSON objects from the file to the
templates, and the types let mypy check that the sync writes, and the view
reads, the fields declared here. A record may lack fields (snapshots written
before a field existed, hand-made ones): readers use ``.get``. Only the fields
marked :data:`KEY` are indispensable; a record without a valid one is left out.

The snapshot lives in git, so a pull request can edit it: strings that reach a
page as a link, a file path or part of a forum URL carry a rule
(``Annotated`` markers below) that the loader enforces, as it enforces every
declared type (a list where text is expected would reach a template unescaped).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import cache
from types import MappingProxyType
from typing import Annotated, Any, NotRequired, TypedDict, get_type_hints

FORMAT = 1


class Rule(Enum):
    """What a string field may hold, beyond being text (see :mod:`agora.forum.validate`)."""

    #: A link pages show: an http(s) URL on the forum's host or an asset host
    #: (``AGORA_FORUM_ASSET_HOSTS``).
    LINK = "link"
    #: A URL only the sync fetches (a file that could not be downloaded yet): http(s).
    SOURCE = "source"
    #: A file of the snapshot folder: a relative path that stays inside it.
    FILE = "file"
    #: A username or slug: forum URLs are built from it (``/u/{username}``).
    NAME = "name"
    #: Sanitized HTML: its images are files of the snapshot (``snapshot:images/<name>``).
    HTML = "html"
    #: The field a record cannot do without (an id, a username): invalid, the record goes.
    KEY = "key"


Link = Annotated[str, Rule.LINK]
Source = Annotated[str, Rule.SOURCE]
File = Annotated[str, Rule.FILE]
Name = Annotated[str, Rule.NAME]
Html = Annotated[str, Rule.HTML]
KEY = Rule.KEY

#: An instant as Discourse gives it (ISO 8601 text); read with :func:`agora.clock.instant_or_none`.
Instant = str


class Person(TypedDict):
    """Someone shown next to forum activity; ``avatar`` is a downloaded file, or None."""

    username: Annotated[Name, KEY]
    name: str
    avatar: File | None
    #: Present only while the avatar could not be downloaded: the next sync tries again.
    avatar_source: NotRequired[Source]


class Participant(Person):
    post_count: int


class Reply(Person):
    """One of a topic's best replies (most liked regular posts after the first)."""

    #: Sanitized; its images are stored files (``snapshot:images/<name>``).
    cooked_html: Html
    #: Present only while some image of the body could not be downloaded: the
    #: sanitized body with its remote images, for the next sync to try again.
    cooked_source: NotRequired[str]
    like_count: int
    post_number: int | None
    created_at: Instant | None
    url: Link | None


class DirectoryEntry(Person):
    """A top contributor of the month (``/directory_items.json``)."""

    title: str
    likes_received: int
    likes_given: int
    post_count: int
    topic_count: int
    days_visited: int


class Badge(TypedDict):
    name: Annotated[str, KEY]
    description: str
    badge_type: str
    granted_at: Instant | None


class Profile(Person):
    """A member's public forum profile (``/u/{username}.json``)."""

    title: str
    created_at: Instant | None
    last_seen_at: Instant | None
    last_posted_at: Instant | None
    trust_level: int | None
    badge_count: int | None
    post_count: int | None
    likes_received: int | None
    bio_html: Html
    bio_source: NotRequired[str]  # as ``Reply.cooked_source``
    badges: list[Badge]
    url: Link | None


class Category(TypedDict):
    """A public category (private ones are never stored, not even their names)."""

    id: Annotated[int, KEY]
    name: str
    slug: Name | None
    color: str | None
    text_color: str | None
    description: str
    parent_category_id: int | None
    position: int | None
    topic_count: int | None
    post_count: int | None
    url: Link | None


class TopicSummary(TypedDict):
    """A topic as lists show it.

    ``replies`` is ``posts_count - 1``: what readers call replies, NOT
    Discourse's ``reply_count``. Values copied from the forum's lists as they
    come may be null (``views``, ``pinned``...).
    """

    id: Annotated[int, KEY]
    title: Annotated[str, KEY]
    slug: Name | None
    url: Link | None
    category_id: int | None
    tags: list[str]
    posts_count: int
    replies: int
    highest_post_number: int | None
    created_at: Instant | None
    last_posted_at: Instant | None
    bumped_at: Instant | None
    views: int | None
    like_count: int | None
    pinned: bool | None
    pinned_globally: bool | None
    closed: bool | None
    archived: bool | None
    visible: bool
    #: Plain text: the first post's beginning (lists give one for pinned topics only).
    excerpt: str
    last_poster_username: str | None
    posters: list[str]


class Topic(TopicSummary):
    """A topic read from its page: who wrote it, who took part, the best replies."""

    author: Person | None
    participants: list[Participant]
    best_replies: list[Reply]
    #: When its page was last read (absent when only a list summary is known).
    fetched_at: NotRequired[Instant]


class CategoryList(TypedDict):
    """The lists of a configured category: topic ids in forum order."""

    id: Annotated[int, KEY]
    latest: list[int]
    top: dict[str, list[int]]


class Event(TypedDict):
    """An event of Discourse's calendar plugin."""

    id: int | None
    name: str
    starts_at: Instant | None
    ends_at: Instant | None
    timezone: str | None
    category_id: int | None
    url: Link | None
    topic_id: int | None
    topic_title: str


class HistoryPoint(TypedDict, total=False):
    """The community's counters at one sync (one point a day is kept, the day's last)."""

    taken_at: Annotated[Instant, KEY]
    topics: int
    posts: int
    users: int
    likes: int
    active_users_7_days: int
    active_users_30_days: int
    posts_7_days: int
    posts_30_days: int


#: Counters copied from ``stats`` into each ``history`` point.
HISTORY_KEYS: tuple[str, ...] = tuple(k for k in HistoryPoint.__annotations__ if k != "taken_at")


#: Metadata of the top-level fields absent from the first format-1 snapshots: empty when missing.
ADDED_LATER: Mapping[str, bool] = MappingProxyType({"optional": True})


@dataclass(frozen=True, kw_only=True)
class Document:
    """What the last sync saw of the forum (the whole of ``snapshot.json``).

    * ``taken_at`` -- when the sync started (every part was read at or after it);
    * ``forum_url`` -- the forum's public base URL, every ``url`` points into it;
    * ``latest`` -- topic summaries in forum order; ``top`` -- ``{period: [ids]}``;
    * ``category_lists`` -- ``{slug: CategoryList}`` for the configured categories;
    * ``topics`` -- ``{id: Topic}``: every listed topic and every linked one;
    * ``stats`` -- normalised counters (``topics, posts, users, likes,
      active_users_7_days, ...``); ``history`` -- past points, oldest first;
    * ``directory`` -- top contributors of the month; ``users`` --
      ``{username: Profile}`` for the usernames asked for;
    * ``events`` -- calendar plugin events (``[]`` without the plugin);
    * ``fetched_at`` -- ``{part: ISO instant}``: when each slowly changing part was
      last read (``site``, ``latest``, ``top:<period>``, ``category:<slug>``,
      ``category:<slug>:top:<period>``, ``directory``, ``events``,
      ``user:<username>``), see :mod:`agora.forum.sync`;
    * ``restricted_category_ids`` -- ids of the categories the forum marks
      ``read_restricted`` (never their names), to keep their topics out of lists.
    """

    format: int = FORMAT
    taken_at: datetime
    forum_url: Link
    categories: list[Category]
    latest: list[TopicSummary]
    top: dict[str, list[int]]
    category_lists: dict[Name, CategoryList] = field(default_factory=dict, metadata=ADDED_LATER)
    topics: dict[int, Topic]
    stats: dict[str, int]
    directory: list[DirectoryEntry]
    users: dict[Name, Profile]
    events: list[Event]
    history: list[HistoryPoint]
    fetched_at: dict[str, Instant] = field(default_factory=dict, metadata=ADDED_LATER)
    restricted_category_ids: list[int] = field(default_factory=list, metadata=ADDED_LATER)


@cache
def document_types() -> dict[str, Any]:
    """Every field of :class:`Document` and its declared type (markers included)."""
    return get_type_hints(Document, include_extras=True)
