"""Links between pages, checked when the other side is known.

A file's links to other pages are listed as it is read
(:data:`~agora.content.checks.LINKS_KEY`, which survives Pelican's cache and
parallel reading) and checked later, each against what it needs:

- ``{filename}other.md`` once every file is read: the file must be published
  (one that does not exist, or was left out for its errors, leaves the link
  pointing nowhere);
- ``{author}Name`` once every file is read: the author must have an author page
  (a name credited on translations only, a translator, has none; nor has anyone
  on a site that writes no author pages): otherwise the link becomes its text
  (:func:`unlink_pageless_authors`; links naming members are the members
  capability's);
- a plain link (``../autre-article/``, ``/events/``) once every page is written:
  it must lead to a file of the output, whatever wrote it (a page, a feed, a
  calendar, the theme); so must an image written as a relative path
  (``images/plan.png``): it exists in ``content/``, but a browser reads it from
  the page's address (``/blog/x/images/plan.png``).

All are warnings: the page is usable, a reader meets one dead link, and the
target may be a page on its way (a draft, a rename in the same pull request).
``agora check --strict`` treats them as errors.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from pelican.contents import Static
from pelican.urlwrappers import Author

from agora.content.checks import LINKS_KEY
from agora.content.markup import AUTHOR_ANCHOR
from agora.content.reader import display_path
from agora.problems import Problem, problem
from agora.state import build_state, report

PAGE_LINKS_KEY = "page_links"


def linking(contents: Iterable[Any]) -> list[Any]:
    """The content objects that listed links, each once."""
    seen: dict[int, Any] = {}
    for content in contents:
        if getattr(content, "metadata", {}).get(LINKS_KEY):
            seen.setdefault(id(content), content)
    return list(seen.values())


def check_file_links(context: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
    """Every ``{filename}`` link leads to a published file; plain links kept for later."""
    state = build_state(settings)
    generated = context.get("generated_content") or {}
    static = context.get("static_content") or {}
    root = Path(settings["PATH"])
    later: list[tuple[str, str, list[tuple[str, str]]]] = []
    left_out = state.memo.get("left_out", set()) if state is not None else set()
    for content in linking(generated.values()):
        shown = display_path(content.source_path, settings.get("PATH"))
        pages = []
        for kind, target, as_written in content.metadata[LINKS_KEY]:
            if kind in ("page", "image"):
                pages.append((kind, target))
                continue
            if target in static or (target in generated
                                    and generated[target].source_path not in left_out):
                continue
            why = ("was left out of the build (see its errors)" if (root / target).is_file()
                   else "does not exist")
            report(settings, problem(shown, "body", f"expected a link to a published file "
                                     f"({root.name}/{target} {why})",
                                     found=as_written, severity="warning"))
        if pages and getattr(content, "status", "") != "draft" and content.save_as:
            later.append((shown, content.url, pages))
    if state is not None:
        state.memo[PAGE_LINKS_KEY] = later


PAGELESS_AUTHOR = ("expected {author} links to authors with an author page (credited on "
                   "a published article); the others are left as plain text")


def unlink_pageless_authors(contents: Iterable[Any], with_pages: Collection[str],
                            settings: Mapping[str, Any]) -> None:
    """Every ``{author}`` link naming an author whose slug is not in ``with_pages``
    becomes its text, with a warning per file (Pelican would link a page never written)."""
    for content in contents:
        unlinked = unlinked_authors(content, with_pages)
        if unlinked:
            report(settings, problem(display_path(content.source_path, settings.get("PATH")),
                                     "links", PAGELESS_AUTHOR, found=", ".join(unlinked),
                                     severity="warning"))


def unlinked_authors(content: Any, with_pages: Collection[str]) -> list[str]:
    """The ``{author}`` links of ``content``'s text naming no author in ``with_pages``, made
    their text (their names are returned)."""
    text = getattr(content, "_content", None)
    if not text or "author" not in text or isinstance(content, Static):
        return []
    names: list[str] = []

    def text_of(found: re.Match[str]) -> str:
        name = unquote(html.unescape(found["name"]))
        if Author(name, content.settings).slug in with_pages:
            return found[0]
        names.append(name)
        return found["text"]

    content._content = AUTHOR_ANCHOR.sub(text_of, text)
    return names


def written(output: Path, path: str) -> bool:
    """Whether the output holds what a link to ``path`` (from the site's root) opens."""
    if not path or path.endswith("/"):
        return (output / path / "index.html").is_file()
    return (output / path).is_file() or (output / path / "index.html").is_file()


def check_page_links(settings: Mapping[str, Any]) -> list[Problem]:
    """``finalized``: every plain link of a page leads to a file of the output."""
    state = build_state(settings)
    if state is None:
        return []
    output = Path(settings["OUTPUT_PATH"])
    found = []
    for shown, url, links in state.memo.get(PAGE_LINKS_KEY, ()):
        for kind, link in links:
            target = urljoin("/" + url.lstrip("/"), link)
            path = unquote(urlsplit(target).path).lstrip("/")
            if written(output, path):
                continue
            expected = ("an image address the page can load (read from the page's address, "
                        f"it is /{path}, not in the output; /images/... or {{static}} start "
                        "from the site's root)" if kind == "image" else
                        f"a link to a page of the site (/{path} is not in the output)")
            found.append(problem(shown, "body", f"expected {expected}", found=link,
                                 severity="warning"))
    report(settings, *found)
    return found
