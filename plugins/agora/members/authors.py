"""Bylines: an author is a member when the name says so, a name otherwise; consent first.

``author:``/``authors:`` hold member slugs or people's names, as in Pelican. A
value matching a member -- by slug, or by name with case and accents ignored
("helene dupre" is Hélène Dupré) -- credits the member: the byline shows the
profile's name and links to the profile, and there is no author page. Any
other name stays a Pelican author, with its author page. A member who has not
consented is never credited, whatever the file says: the byline leaves them
out, no page is written for them, and no message names them.

Authors are credited when each content object is made (``content_object_init``),
from the member keys of this build, so cached and parallel-read files follow
the current profiles too. So are Pelican's ``{author}`` links in the text
(``[Camille]({author}Camille Roux)``): one naming a consenting member leads to
the profile, as the byline does (Pelican would link an author page that
members do not have); one naming a member without consent is left as its text.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from pelican.contents import Author, Static

from agora.content.fields import SLUG_RE
from agora.content.markup import AUTHOR_ANCHOR, AUTHOR_LINK
from agora.content.reader import display_path
from agora.content.schema import known_keys
from agora.problems import Problem, problem
from agora.state import build_state, report
from agora.urls import urls_of

INDEX_KEY = "member_author_index"
WITHHELD = ("expected members who agreed to be named (a profile with `consent: true`); "
            "the byline leaves out the others")


def normalized(name: str) -> str:
    """``"Hélène  DUPRÉ"`` -> ``"helene dupre"``: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("-", " ").split())


@dataclass
class MemberIndex:
    """Who may be credited: every member slug and name, consenting or not."""

    names: dict[str, str] = field(default_factory=dict)  # slug -> public name
    consenting: set[str] = field(default_factory=set)
    by_name: dict[str, str] = field(default_factory=dict)  # normalized name or slug -> slug

    def match(self, written: str) -> str | None:
        """The member ``written`` names (slug or name), consenting or not."""
        text = written.strip()
        if text in self.names:
            return text
        return self.by_name.get(normalized(text))

    def may_name(self, slug: str) -> bool:
        return slug in self.consenting

    def public_slugs(self) -> list[str]:
        """The slugs an editor may be shown (consenting members only)."""
        return sorted(self.consenting)

    def close_to(self, written: str) -> str | None:
        """A consenting member whose slug or name is close to ``written`` (a typo?)."""
        candidates = {normalized(self.names[s]): s for s in self.consenting}
        candidates.update({normalized(s): s for s in self.consenting})
        close = difflib.get_close_matches(normalized(written), list(candidates), n=1,
                                          cutoff=0.8)
        return candidates[close[0]] if close else None


def build_index(keys: Mapping[str, Any]) -> MemberIndex:
    index = MemberIndex()
    for slug, info in keys.items():
        name = str(info.get("name") or slug) if isinstance(info, Mapping) else slug
        index.names[slug] = name
        if not (isinstance(info, Mapping) and info.get("unpublishable")):
            index.consenting.add(slug)
        for key in (normalized(slug), normalized(name)):
            index.by_name.setdefault(key, slug)
    return index


def member_index(settings: Mapping[str, Any]) -> MemberIndex:
    """This build's index of members (made once per build)."""
    state = build_state(settings)
    if state is not None and INDEX_KEY in state.memo:
        return state.memo[INDEX_KEY]
    index = build_index(known_keys("member", settings) or {})
    if state is not None:
        state.memo[INDEX_KEY] = index
    return index


class MemberAuthor(Author):
    """An author who is a consenting member: named as in the profile, linked to it.

    Its ``url`` is the profile's and its ``save_as`` empty, so Pelican writes no
    author page for it. Made from a name alone (Pelican's cache, parallel
    reading), it finds its member again.
    """

    def __init__(self, name: str, settings: Mapping[str, Any],
                 member_slug: str | None = None):
        super().__init__(name, settings)
        slug = member_slug or member_index(settings).match(name)
        if slug:
            self.slug = slug

    @property
    def member_slug(self) -> str:
        """The profile's slug (templates link the profile in the page's language)."""
        return str(self.slug)

    @property
    def url(self) -> str:
        return urls_of(self.settings).url("member", slug=self.slug)

    @property
    def save_as(self) -> str:
        return ""

    @property
    def page_name(self) -> str:
        return self.url.removesuffix(".html")


def credit_members(content: Any) -> None:
    """``content_object_init``: bylines credit consenting members and never the others."""
    authors = getattr(content, "authors", None)
    if not authors or isinstance(content, Static):
        return
    settings = content.settings
    index = member_index(settings)
    shown = display_path(content.source_path or "", settings.get("PATH"))
    field_name = "authors" if "authors" in content.metadata else "author"
    # without either field the author is the AUTHOR setting: nothing an editor wrote
    written = field_name in content.metadata
    credited: list[Author] = []
    withheld = 0
    for author in authors:
        slug = index.match(author.name)
        if slug is None:
            credited.append(author)
            if written:
                report(settings, *name_problems(author.name, index, shown, field_name))
        elif index.may_name(slug):
            credited.append(MemberAuthor(index.names[slug], settings, slug))
        else:
            withheld += 1
    if withheld:
        report(settings, problem(shown, field_name, WITHHELD,
                                 found_text=f"{withheld} without consent", severity="warning"))
    set_authors(content, credited)


WITHHELD_LINK = ("expected {author} links to members who agreed to be named (a profile with "
                 "`consent: true`); the others are left as plain text")


def link_member_authors(content: Any) -> None:
    """``content_object_init``: an ``{author}`` link naming a consenting member becomes a
    ``{filename}`` link to the profile, which Pelican then resolves like any other; one
    naming a member without consent becomes its text alone (its address, an author
    page that does not exist, would spell the member's name)."""
    text = getattr(content, "_content", None)
    if not text or "author" not in text or isinstance(content, Static):
        return
    index = member_index(content.settings)
    keys = known_keys("member", content.settings) or {}
    lang = getattr(content, "lang", None)
    withheld = 0

    def unlinked(found: re.Match[str]) -> str:
        nonlocal withheld
        slug = index.match(unquote(html.unescape(found["name"])))
        if slug is None or index.may_name(slug):
            return found[0]
        withheld += 1
        return found["text"]

    def to_profile(found: re.Match[str]) -> str:
        slug = index.match(unquote(html.unescape(found["name"])))
        source = profile_source(keys.get(slug) or {}, lang) if slug and index.may_name(slug) \
            else None
        if not source:
            return found[0]
        return f"{found['quote']}{{filename}}/{source}"

    content._content = AUTHOR_LINK.sub(to_profile, AUTHOR_ANCHOR.sub(unlinked, text))
    if withheld:
        shown = display_path(content.source_path or "", content.settings.get("PATH"))
        report(content.settings, problem(shown, "links", WITHHELD_LINK,
                                         found_text=f"{withheld} without consent",
                                         severity="warning"))


def profile_source(info: Mapping[str, Any], lang: str | None) -> str | None:
    """The file of a member's profile in ``lang`` when there is one, else the profile
    references see (in the site's language when there is one)."""
    in_lang = (info.get("sources") or {}).get(lang) if lang else None
    return in_lang[0] if in_lang else info.get("first")


def set_authors(content: Any, credited: list[Author]) -> None:
    """Replace the authors everywhere Pelican and templates look for them."""
    content.authors = credited
    content.metadata.pop("author", None)
    if credited:
        content.author = credited[0]
        content.metadata["authors"] = credited
    else:
        content.metadata.pop("authors", None)
        if hasattr(content, "author"):
            del content.author


def name_problems(written: str, index: MemberIndex, shown: str, field_name: str
                  ) -> list[Problem]:
    """What to tell an editor about an author that is not a member.

    A slug-like value is a member slug with a typo more often than a name: a
    warning. A name close to a member's is a note (``agora check`` shows it).
    Only consenting members are ever suggested or listed.
    """
    close = index.close_to(written)
    if SLUG_RE.match(written.strip()):
        hint = f"did you mean {close}?" if close else (
            ", ".join(index.public_slugs()[:12]) or "no member is defined yet")
        return [problem(shown, field_name, f"expected a known member slug ({hint}) or a "
                        "person's name", written, severity="warning")]
    if close:
        return [problem(shown, field_name, f"a member's slug to link the byline to the "
                        f"profile (did you mean {close}?)", written, severity="note")]
    return []


def withheld_bylines(problems: Iterable[Problem]) -> int:
    """How many authors bylines left out for want of consent (no names: counts only)."""
    return sum(int(p.found.split()[0]) for p in problems if p.expected == WITHHELD)
