"""The member content type: consent-first profiles."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agora.content import fields as f
from agora.content.generator import AgoraContent
from agora.content.schema import (
    ContentType,
    make_schema,
    read_front_matter,
    register_content_type,
)

ROLES = ("ambassador", "moderator", "expert", "organiser", "staff", "member", "newcomer")

MEMBER = make_schema(
    "member",
    name=f.text(required=True, help="public name"),
    roles=f.list_of(f.choice(ROLES), help="ambassador, moderator, expert, organiser, staff"),
    since=f.date_field(help="date the member joined"),
    discourse=f.text(help="forum username"),
    avatar=f.text(help="image path inside content/, e.g. images/members/camille.jpg"),
    expertise=f.list_of(f.text(), help="topics to ask this member about"),
    links=f.mapping({"website": f.url(), "mastodon": f.url(), "github": f.url(),
                     "linkedin": f.url(), "forum": f.url()}),
    location=f.text(),
    consent=f.boolean(help="true once the member agreed to a public profile"),
    reconfirmed=f.date_field(help="date the member last confirmed the profile"),
)
# a member has no title: its name is the title
MEMBER = type(MEMBER)(MEMBER.name, {k: v for k, v in MEMBER.fields.items() if k != "title"})


def member_slug(path: Path, data: Mapping[str, Any]) -> str:
    return str(data.get("slug") or path.stem)


def load_member_keys(settings: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every member file's slug, with why it may not be published (no consent)."""
    keys: dict[str, dict[str, Any]] = {}
    root = Path(settings["PATH"])
    for folder in settings.get("MEMBER_PATHS", ()):
        for path in sorted((root / folder).rglob("*.md")):
            data = read_front_matter(path)
            keys[member_slug(path, data)] = {
                "name": data.get("name", path.stem),
                "unpublishable": None if data.get("consent") is True
                else "its profile has no `consent: true`",
            }
    return keys


class Member(AgoraContent):
    default_template = "member"

    def __init__(self, *args: Any, **kwargs: Any):
        metadata = kwargs.get("metadata")
        if metadata is not None and "title" not in metadata and "name" in metadata:
            metadata["title"] = metadata["name"]
        super().__init__(*args, **kwargs)
        self.roles = getattr(self, "roles", [])
        self.expertise = getattr(self, "expertise", [])
        self.consent = getattr(self, "consent", False) is True

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace("-", " ").split() if p]
        return "".join(p[0].upper() for p in parts[:2]) or "?"


register_content_type(ContentType(
    "member", MEMBER, paths_setting="MEMBER_PATHS", keys=load_member_keys,
))
