"""What a content file could do, checked while it is read.

A file is an editor's, and often a contributor's pull request: before it is
published, Agora looks at what its page would make a browser do, and what the
build would copy. Each problem names the file and the field (``body`` for the
text itself), what was expected and what was found:

- errors, which leave the file out (strict builds fail): a ``javascript:``,
  ``vbscript:`` or ``data:`` URL in a link or an image (:mod:`agora.content.markup`
  says how URLs are read); an image (``image:`` or in the text) whose file does
  not exist, whose path leaves the content folder (``../../../../etc/passwd``) or
  which is a symbolic link to a file outside the repository; a ``{static}`` link out
  of the content folder (Pelican would copy that file, or write outside the
  output folder); a title carrying a script or an event handler (a title is HTML
  on its page); a content file linking outside the repository or bigger than
  ``AGORA_CONTENT_MAX_KB``;
- warnings, the page being usable: an image without alt text, markup in a
  title, an ``image`` without ``image_alt``, a ``{static}`` link to a file that
  does not exist. Links to other pages are listed in the metadata
  (:data:`LINKS_KEY`) and checked once every file is read, or every page written
  (:mod:`agora.content.links`).

Whatever the checks said, the HTML that is published goes through
:func:`agora.content.markup.defang`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from agora.content.markup import Reference, dangerous_scheme, scan
from agora.content.paths import display_path, inside, project_root
from agora.problems import Problem, Severity, problem
from agora.settings import options
from agora.state import report

#: Metadata key listing a file's links to other pages, checked after reading.
LINKS_KEY = "agora_links"
#: Pelican's internal links: ``{filename}x.md``, ``{static}/images/x.png``, ``|filename|x``.
INTRASITE = re.compile(r"^[{|](?P<what>\w+)[|}](?P<rest>.*)$", re.DOTALL)
FILE_LINKS = frozenset({"filename", "static", "attach"})
#: Elements a title may not hold: its page writes the title as HTML.
RISKY_ELEMENTS = frozenset({"script", "style", "iframe", "object", "embed", "frame", "frameset",
                            "svg", "math", "form", "base", "meta", "link", "template"})
DANGER_EXPECTED = ("expected a URL a browser only follows or shows (javascript:, vbscript: "
                   "and data: URLs run code or forge a page)")
OUTSIDE_REPOSITORY = "a symbolic link to a file outside the repository"


def file_problems(source_path: str, shown: str, settings: Mapping[str, Any]) -> list[Problem]:
    """A content file Agora must not read: a link out of the repository, or too big."""
    path = Path(source_path)
    try:
        size = path.stat().st_size
    except OSError:
        return []  # the reader says why the file cannot be opened
    if not inside(path.resolve(), project_root(settings)):
        return [problem(shown, "file", "expected a file inside the repository (a symbolic "
                        "link pointing outside it is never read)",
                        found_text=OUTSIDE_REPOSITORY)]
    if size == 0 or (size < 64 and not path.read_bytes().strip()):
        return [problem(shown, "file", "expected front matter and text (a title at least)",
                        found_text="an empty file")]
    limit = options(settings).content_max_kb
    if size > limit * 1024:
        return [problem(shown, "file", f"expected a content file of at most {limit} KB "
                        "(AGORA_CONTENT_MAX_KB; images and downloads belong in content/images "
                        "or content/extra, linked from the text)",
                        found_text=f"{size / 1024 / 1024:.1f} MB")]
    return []


#: reStructuredText that reads a file or a URL while building: ``.. include::``, and the
#: ``:file:``/``:url:`` options of ``raw`` and ``csv-table``.
INCLUSION = re.compile(r"^[ \t]*(?:\.\.[ \t]+include::|:(?P<option>file|url):)[ \t]*"
                       r"(?P<target>\S.*?)[ \t]*$", re.MULTILINE)


def inclusion_problems(source_path: str, shown: str, settings: Mapping[str, Any]
                       ) -> list[Problem]:
    """reST that would publish a file from outside the repository, or fetch a URL.

    ``.. include:: /proc/self/environ`` in a pull request would put the build's
    environment (its secrets) on a preview page.
    """
    try:
        text = Path(source_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    root, folder = project_root(settings), Path(source_path).parent
    problems = []
    for match in INCLUSION.finditer(text):
        target, line = match["target"], text.count("\n", 0, match.start()) + 1
        if match["option"] == "url":
            problems.append(problem(shown, "body", "expected a file of the repository (a build "
                                    "never fetches from the network)", target, line=line))
        elif not (target.startswith("<") and target.endswith(">")) and not inside(
                (folder / target).resolve(), root):  # <isonum.txt>: docutils' own files
            problems.append(problem(shown, "body", "expected a file inside the repository",
                                    target, line=line))
    return problems


@dataclass
class Origin:
    """The file being checked: where it is, and where a value is written in it."""

    source_path: str
    shown: str
    settings: Mapping[str, Any]
    #: (kind, target, as written): ``filename`` links by source path, ``page`` links by URL
    links: list[tuple[str, str, str]] = field(default_factory=list)

    @cached_property
    def content_root(self) -> Path:
        return Path(self.settings["PATH"])

    @cached_property
    def folder(self) -> str:
        """The file's folder, relative to the content folder (``articles``)."""
        relative = Path(self.source_path).resolve().parent
        try:
            return relative.relative_to(self.content_root.resolve()).as_posix()
        except ValueError:
            return ""

    @cached_property
    def lines(self) -> list[str]:
        try:
            return Path(self.source_path).read_text(encoding="utf-8",
                                                    errors="replace").splitlines()
        except OSError:
            return []

    def line(self, value: str) -> int | None:
        """The first line of the file where ``value`` is written as it is (None: nowhere)."""
        if value:
            for number, text in enumerate(self.lines, start=1):
                if value in text:
                    return number
        return None

    def problem(self, field_name: str, expected: str, found: str, *,
                severity: Severity = "error") -> Problem:
        return problem(self.shown, field_name, expected, found, severity=severity,
                       line=self.line(found))


def check_content(content: str, clean: dict[str, Any], origin: Origin
                  ) -> tuple[str, list[Problem]]:
    """Problems of a file's HTML and front matter; the HTML to publish (defanged)."""
    problems: list[Problem] = []
    scanned = scan(content)
    problems += reference_problems(scanned.found, "body", origin)
    content = scanned.defanged()
    if isinstance(clean.get("summary"), str):
        scanned = scan(clean["summary"])
        problems += reference_problems(scanned.found, "summary", origin)
        clean["summary"] = scanned.defanged()
    problems += title_problems(clean.get("title"), origin)
    problems += image_field_problems(clean, origin)
    if origin.links:
        clean[LINKS_KEY] = tuple(origin.links)
    return content, problems


def reference_problems(references: list[Reference], field_name: str, origin: Origin
                       ) -> list[Problem]:
    problems: list[Problem] = []
    for reference in references:
        if reference.danger is not None:
            problems.append(origin.problem(field_name, DANGER_EXPECTED, reference.url))
        elif reference.image:
            found = local_file_problems(reference.url, field_name, origin, kind="image file")
            problems += found
            if not found and relative_address(reference.url):
                # it exists in content/, but a browser reads it from the page's address
                origin.links.append(("image", reference.url.strip(), reference.url))
            if not (reference.alt or "").strip() and not reference.decorative:
                problems.append(origin.problem(
                    field_name, "expected alt text for the image (what it shows, for people "
                    "who cannot see it; role=\"presentation\" marks a decoration)",
                    reference.url, severity="warning"))
        elif reference.attribute == "href":
            problems += link_problems(reference.url, field_name, origin)
    return problems


def candidates(url: str, folder: str, *, from_root: bool = False) -> list[str] | None:
    """Where a local URL points, relative to the content folder (first existing wins).

    None when ``url`` is not a local file: another site, ``{tag}x``, ``#anchor``,
    the theme's own files. Pelican's ``{static}``/``{attach}``/``{filename}`` are
    relative to the file's folder unless they start with ``/``; a plain path is
    tried there, then from the content folder (``from_root``: only from there).
    """
    intrasite = INTRASITE.match(url)
    if intrasite is not None:
        if intrasite["what"] not in FILE_LINKS:
            return None
        path = unquote(urlsplit(intrasite["rest"]).path)
        found = [path[1:]] if path.startswith("/") else [posixpath.join(folder, path)]
        return [posixpath.normpath(p) for p in found if p]
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        found = [path[1:]]
    else:
        found = [path] if from_root else [posixpath.join(folder, path), path]
    return list(dict.fromkeys(posixpath.normpath(p) for p in found if p))


def relative_address(url: str) -> bool:
    """A plain path a browser resolves from the page's own address (``images/x.png``)."""
    parts = urlsplit(url.strip())
    return (INTRASITE.match(url) is None and not parts.scheme and not parts.netloc
            and bool(parts.path) and not parts.path.startswith("/"))


def escapes(relative: str) -> bool:
    return relative == ".." or relative.startswith("../") or posixpath.isabs(relative)


def local_file_problems(url: str, field_name: str, origin: Origin, *, kind: str,
                        from_root: bool = False, missing: Severity = "error") -> list[Problem]:
    """A local file a page shows or links: inside the content folder, existing, ours."""
    found = candidates(url, origin.folder, from_root=from_root)
    if found is None:
        return []
    root = origin.content_root
    if all(escapes(p) for p in found):
        return [origin.problem(field_name, f"expected {'an' if kind[0] in 'aeio' else 'a'} "
                               f"{kind} inside the content folder", url)]
    found = [p for p in found if not escapes(p)]
    existing = next((p for p in found if (root / p).is_file()), None)
    if existing is None:
        if found[0].split("/")[0] == origin.settings.get("THEME_STATIC_DIR", "theme"):
            return []  # the theme's own files are published there
        return [origin.problem(field_name, f"expected an existing {kind} at "
                               f"{root.name}/{found[0]}", url, severity=missing)]
    if not inside((root / existing).resolve(), project_root(origin.settings)):
        return [origin.problem(field_name, f"expected {'an' if kind[0] in 'aeio' else 'a'} "
                               f"{kind} inside the repository ({root.name}/{existing} is "
                               f"{OUTSIDE_REPOSITORY})", url)]
    return []


def link_problems(url: str, field_name: str, origin: Origin) -> list[Problem]:
    """A link: ``{static}`` files checked now, pages listed for later (:data:`LINKS_KEY`)."""
    intrasite = INTRASITE.match(url)
    if intrasite is not None and intrasite["what"] in ("static", "attach"):
        return local_file_problems(url, field_name, origin, kind="file", missing="warning")
    if intrasite is not None and intrasite["what"] == "filename":
        found = candidates(url, origin.folder)
        if found and escapes(found[0]):
            return [origin.problem(field_name, "expected a file inside the content folder",
                                   url)]
        if found:
            origin.links.append(("filename", found[0], url))
        return []
    parts = urlsplit(url.strip())
    if intrasite is None and not parts.scheme and not parts.netloc and parts.path:
        origin.links.append(("page", url.strip(), url))
    return []


def title_problems(title: Any, origin: Origin) -> list[Problem]:
    """A title is plain text: its page writes it as HTML, feeds and tabs drop the markup."""
    if not isinstance(title, str) or "<" not in title:
        return []
    scanned = scan(title)
    if not scanned.tags:
        return []
    risky = next((f"a <{tag}> element" for tag, _ in scanned.tags if tag in RISKY_ELEMENTS),
                 None)
    risky = risky or next((f"an {name}= attribute" for _, attrs in scanned.tags
                           for name, _ in attrs if name.startswith("on")), None)
    risky = risky or next((f"a {r.danger}: URL" for r in scanned.found if r.danger), None)
    if risky:
        return [problem(origin.shown, "title", "expected plain text (the page shows its title "
                        "as HTML)", found_text=risky, line=origin.line(title[:40]))]
    return [problem(origin.shown, "title", "expected plain text (markup is dropped from the "
                    "browser tab, feeds and e-mails)", found_text=f"<{scanned.tags[0][0]}>",
                    severity="warning", line=origin.line(title[:40]))]


def image_field_problems(clean: Mapping[str, Any], origin: Origin) -> list[Problem]:
    """``image:``: an image inside the content folder (or on another site), described."""
    image = clean.get("image")
    if not isinstance(image, str):
        return []
    if dangerous_scheme(image, image=True, entities=True):
        return [origin.problem("image", DANGER_EXPECTED, image)]
    scheme = urlsplit(image.strip()).scheme
    if scheme and scheme not in ("http", "https") and not INTRASITE.match(image):
        return [origin.problem("image", "expected an image path inside the content folder, "
                               "like images/meetup.jpg, or an http(s) URL", image)]
    problems = local_file_problems(image, "image", origin, kind="image file", from_root=True)
    if not clean.get("image_alt"):
        problems.append(problem(origin.shown, "image_alt", "expected a text alternative of "
                                "the image (what it shows, for people who cannot see it)",
                                found_text="nothing", severity="warning"))
    return problems


def outside_repository(statics: list[Any], settings: Mapping[str, Any]) -> list[Any]:
    """Static files that are symbolic links out of the repository (each an error)."""
    root = project_root(settings)
    found = []
    for static in statics:
        if not inside(Path(static.source_path).resolve(), root):
            found.append(static)
            shown = display_path(static.source_path, settings.get("PATH"))
            report(settings, problem(shown, "file", "expected a file inside the repository (a "
                                     "symbolic link pointing outside it is never published)",
                                     found_text=OUTSIDE_REPOSITORY))
    return found
