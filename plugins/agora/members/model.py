"""The member content type: consent-first profiles.

A profile is published only when its front matter says ``consent: true``.
Everything else other content may say about a member goes through the member
*keys* (:func:`load_member_keys`): an article, event or spotlight naming a
member without consent is an error, so a name cannot leak through a byline.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agora.content import fields as f
from agora.content.generator import AgoraContent
from agora.content.schema import (
    ContentType,
    known_keys,
    make_schema,
    read_front_matter,
)
from agora.members.avatars import AvatarImage, avatar_problem, initials, initials_hue
from agora.problems import Problem, problem

ROLES = ("ambassador", "moderator", "expert", "organiser", "staff", "member", "newcomer")

#: Headings of the directory's role groups (English msgids; templates translate them).
ROLE_GROUP_LABELS: Mapping[str, str] = MappingProxyType({
    "ambassador": "Ambassadors",
    "moderator": "Moderators",
    "expert": "Experts",
    "organiser": "Organisers",
    "staff": "Staff",
    "newcomer": "Newcomers",
    "member": "Members",
})

#: Personal links a profile may carry, in display order, with their labels.
LINK_LABELS: Mapping[str, str] = MappingProxyType({
    "website": "Website",
    "mastodon": "Mastodon",
    "github": "GitHub",
    "linkedin": "LinkedIn",
    "forum": "Forum profile",
})

MEMBER = make_schema(
    "member",
    name=f.text(required=True, help="public name"),
    roles=f.list_of(f.choice(ROLES), help="ambassador, moderator, expert, organiser, staff"),
    since=f.date_field(help="date the member joined"),
    discourse=f.text(help="forum username"),
    avatar=f.text(help="image path inside content/, e.g. images/members/camille.jpg"),
    expertise=f.list_of(f.text(), help="topics to ask this member about"),
    links=f.mapping({name: f.url() for name in LINK_LABELS}),
    location=f.text(),
    consent=f.boolean(help="true once the member agreed to a public profile"),
    reconfirmed=f.date_field(help="date the member last confirmed the profile"),
)
# a member has no title: its name is the title
MEMBER = type(MEMBER)(MEMBER.name, {k: v for k, v in MEMBER.fields.items() if k != "title"})


def member_slug(path: Path, data: Mapping[str, Any]) -> str:
    return str(data.get("slug") or path.stem)


def member_files(settings: Mapping[str, Any]) -> list[tuple[Path, str]]:
    """Every member profile file as (absolute path, path relative to the content folder)."""
    root = Path(settings["PATH"])
    found = []
    for folder in settings.get("MEMBER_PATHS", ()):
        for path in sorted((root / folder).rglob("*.md")):
            found.append((path, path.relative_to(root).as_posix()))
    return found


def load_member_keys(settings: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every member file's slug, with why it may not be published (no consent).

    ``sources`` maps each language to the files claiming the slug in it (the
    first one wins; a translation shares its original's slug in another
    language), so the validator can refuse duplicates; ``discourse_owner``
    (first file, slug) names the profile a forum account belongs to, so it can
    refuse a second profile claiming it. Computed once per state of the folder.
    """
    keys: dict[str, dict[str, Any]] = {}
    default_lang = settings.get("DEFAULT_LANG", "en")
    for path, relative in member_files(settings):
        data = read_front_matter(path)
        slug = member_slug(path, data)
        lang = str(data.get("lang") or default_lang)
        info = keys.setdefault(slug, {"sources": {}})
        if "name" not in info or (lang == default_lang and not info["sources"].get(lang)):
            # what references see: the profile in the site's language when there is one
            info.update(
                name=data.get("name", path.stem),
                unpublishable=None if data.get("consent") is True
                else "its profile has no `consent: true`",
                discourse=str(data.get("discourse") or "").strip().lower() or None,
                first=relative,
            )
        info["sources"].setdefault(lang, []).append(relative)
    # who owns each forum account: the first consenting profile claiming it
    owners: dict[str, tuple[str, str]] = {}
    for slug, info in keys.items():
        if info["discourse"] and info["unpublishable"] is None:
            claim = (info["first"], slug)
            owners[info["discourse"]] = min(owners.get(info["discourse"], claim), claim)
    for info in keys.values():
        info["discourse_owner"] = owners.get(info["discourse"] or "")
    return keys


def _own_source(shown_path: str, sources: list[str]) -> str | None:
    """Which of ``sources`` (relative to content/) the displayed path is."""
    normalized = shown_path.replace("\\", "/")
    matches = [s for s in sources if normalized == s or normalized.endswith("/" + s)]
    return max(matches, key=len) if matches else None


def validate_member(clean: dict[str, Any], path: str, settings: Mapping[str, Any]
                    ) -> list[Problem]:
    """Rules a field type cannot express: a local avatar, unique slugs and forum accounts."""
    problems: list[Problem] = []
    if "avatar" in clean:
        expected = avatar_problem(clean["avatar"], settings)
        if expected:
            problems.append(problem(path, "avatar", expected, clean["avatar"]))
    keys = known_keys("member", settings) or {}
    folder = Path(settings["PATH"]).name
    slug = str(clean.get("slug") or Path(path).stem)
    lang = str(clean.get("lang") or settings.get("DEFAULT_LANG", "en"))
    sources = (keys.get(slug) or {}).get("sources", {}).get(lang, [])
    own = _own_source(path, sources)
    if len(sources) > 1 and own != sources[0]:
        problems.append(problem(path, "slug", f"expected a member slug no other profile uses "
                                f"({folder}/{sources[0]} already uses it)", slug))
    username = str(clean.get("discourse") or "").strip().lower()
    owner = (keys.get(slug) or {}).get("discourse_owner")
    if username and clean.get("consent") is True and owner and owner[1] != slug:
        problems.append(problem(path, "discourse", f"expected a forum username no other "
                                f"profile claims ({folder}/{owner[0]} already does)",
                                clean["discourse"]))
    return problems


class Member(AgoraContent):
    """A published profile.

    Front matter gives ``name``, ``roles``, ``since``, ``discourse``,
    ``avatar``, ``expertise``, ``links``, ``location``, ``consent``,
    ``reconfirmed``. The members generator adds, once per build (never cached
    with the object): ``avatar_image``, ``articles``, ``spotlights``,
    ``upcoming_events``, ``past_events`` and ``forum`` (activity on the forum).
    """

    default_template = "agora/member"

    def __init__(self, *args: Any, **kwargs: Any):
        metadata = kwargs.get("metadata")
        if metadata is not None and "title" not in metadata and "name" in metadata:
            metadata["title"] = metadata["name"]
        super().__init__(*args, **kwargs)
        self.roles = list(getattr(self, "roles", []))
        self.expertise = list(getattr(self, "expertise", []))
        self.links = dict(getattr(self, "links", {}) or {})
        self.consent = getattr(self, "consent", False) is True
        self.since = getattr(self, "since", None)
        self.reconfirmed = getattr(self, "reconfirmed", None)
        self.discourse = getattr(self, "discourse", None)
        self.location = getattr(self, "location", None)
        self.reset_build_data()

    def reset_build_data(self) -> None:
        """Forget what the previous build derived (objects may come from Pelican's cache)."""
        self.avatar_image: AvatarImage | None = None
        self.articles: list[Any] = []
        self.spotlights: list[Any] = []
        self.upcoming_events: list[Any] = []
        self.past_events: list[Any] = []
        self.forum: Any = None
        self.forum_profile_url: str | None = None
        self.listed = True

    def __getstate__(self) -> dict[str, Any]:
        # Pelican pickles content into its cache: never the per-build links to
        # articles, events and forum data (they would drag half the site along).
        state = dict(self.__dict__)
        for name in ("avatar_image", "articles", "spotlights", "upcoming_events",
                     "past_events", "forum", "forum_profile_url", "listed"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.reset_build_data()

    @property
    def initials(self) -> str:
        return initials(self.name)

    @property
    def hue(self) -> int:
        """A stable colour index for the initials badge (same member, same colour)."""
        return initials_hue(self.slug)

    @property
    def link_list(self) -> list[tuple[str, str, str]]:
        """(kind, English label, URL) of the personal links, in display order.

        The forum profile comes from ``discourse`` when ``links.forum`` is not given.
        """
        links = dict(self.links)
        if self.forum_profile_url and not links.get("forum"):
            links["forum"] = self.forum_profile_url
        return [(kind, label, links[kind]) for kind, label in LINK_LABELS.items()
                if links.get(kind)]


CONTENT_TYPE = ContentType("member", MEMBER, paths_setting="MEMBER_PATHS",
                           keys=load_member_keys, validate=validate_member)
