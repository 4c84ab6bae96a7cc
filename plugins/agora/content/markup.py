"""The URLs of content HTML: what a browser would follow, and what it must never run.

Editors' HTML is trusted: embeds, tables and classes are kept as written. Only
URLs are checked, because a link or an image with a ``javascript:`` (or
``vbscript:``, or ``data:``) URL runs code or shows a forged page when clicked,
and Markdown writes such a link as readily as any other
(``[x](javascript:alert(1))``).

A URL is read the way a browser reads it: entities decoded (``&#106;avascript:``,
``&colon;``), tabs and line breaks removed anywhere (``java&#x09;script:``),
spaces and control characters stripped at both ends, scheme compared without
case. ``data:`` is allowed in one place: the source of an image, for PNG, GIF,
JPEG and WebP (pasted screenshots); a browser shows such an image and runs
nothing, whereas an SVG or HTML ``data:`` document may carry script.

:func:`references` lists every URL of a fragment (for the checks made when a
file is read); :func:`defang` removes the dangerous ones from the HTML that is
published, whatever the checks said (a second line, for local builds that keep
going and for anything a check would miss), and changes nothing else.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

#: Attributes holding a URL a browser may follow or load, on any element (SVG's too).
URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "data",
    "background", "cite", "ping", "longdesc", "codebase", "manifest", "icon", "lowsrc",
    "dynsrc", "usemap", "profile",
})
#: Where a URL is an image a browser only displays: raster ``data:`` images are allowed.
IMAGE_SOURCES = frozenset({("img", "src"), ("img", "srcset"), ("source", "srcset")})
DANGEROUS_SCHEMES = frozenset({"javascript", "vbscript", "data", "livescript", "mocha"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_RASTER_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp)[;,]")
#: The WHATWG URL parser drops these anywhere in a URL before reading its scheme.
_REMOVED = re.compile(r"[\t\n\r]")
#: A quoted attribute value holding Pelican's ``{author}`` (or ``|author|``) link.
AUTHOR_LINK = re.compile(r"""(?P<quote>["'])(?:\{author\}|\|author\|)(?P<name>[^"'#?]*)""")
#: A whole link whose address is Pelican's ``{author}`` link, and its text.
AUTHOR_ANCHOR = re.compile(r"""<a\b[^>]*?\bhref=(?P<quote>["'])(?:\{author\}|\|author\|)"""
                           r"""(?P<name>[^"'#?]*)(?P=quote)[^>]*>(?P<text>.*?)</a\s*>""", re.S)

def browser_url(value: str) -> str:
    """``value`` as a browser's URL parser sees it before reading the scheme."""
    return _REMOVED.sub("", value).strip("".join(chr(c) for c in range(0x21)))


def dangerous_scheme(value: str, *, image: bool = False, entities: bool = False
                     ) -> str | None:
    """The dangerous scheme of ``value`` (``"javascript"``...), or None when it is safe.

    ``image``: the URL is an image source (raster ``data:`` images are safe);
    ``entities``: ``value`` may still hold character references (a front-matter value a
    template writes into an attribute), decode them first.
    """
    url = browser_url(htmllib.unescape(value) if entities else value).lower()
    match = _SCHEME.match(url)
    if match is None or match.group(1) not in DANGEROUS_SCHEMES:
        return None
    if image and match.group(1) == "data" and _RASTER_DATA.match(url):
        return None
    return match.group(1)


def candidates(attribute: str, value: str) -> list[str]:
    """The URLs of one attribute value: ``srcset`` lists several, with descriptors."""
    if attribute != "srcset":
        return [value]
    urls = []
    for item in value.split(","):
        parts = item.split()
        if parts:
            urls.append(parts[0])
    return urls


@dataclass(frozen=True)
class Reference:
    """One URL of a fragment: where it is and what holds it."""

    tag: str
    attribute: str
    url: str
    #: for an image, its ``alt`` (None when the attribute is missing)
    alt: str | None = None
    #: an image marked as decoration (``role="presentation"``, ``aria-hidden="true"``)
    decorative: bool = False

    @property
    def image(self) -> bool:
        return (self.tag, self.attribute) in IMAGE_SOURCES

    @property
    def danger(self) -> str | None:
        return dangerous_scheme(self.url, image=self.image)


class Scanner(HTMLParser):
    """Start tags with their URLs, and where each one is in the source text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.found: list[Reference] = []
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        #: (offset, raw tag text, attributes) of each tag holding a dangerous URL
        self.unsafe: list[tuple[int, str, list[tuple[str, str | None]]]] = []
        #: offsets of text the parser read from a ``<`` (an unfinished tag or comment)
        self.stray: list[int] = []
        #: where each thing the parser read starts: a stray text ends at the next one
        self.boundaries: list[int] = []

    def position(self) -> int:
        line, column = self.getpos()
        at = self.line_starts[line - 1] + column
        if not self.boundaries or self.boundaries[-1] != at:
            self.boundaries.append(at)
        return at

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.position()
        self.tags.append((tag, attrs))
        values = {name: value for name, value in reversed(attrs)}
        alt = values.get("alt") if tag == "img" else None
        decorative = (values.get("role") in ("presentation", "none")
                      or values.get("aria-hidden") == "true")
        dangerous = False
        for name, value in attrs:
            if name not in URL_ATTRIBUTES or value is None:
                continue
            for url in candidates(name, value):
                reference = Reference(tag, name, url, alt, decorative)
                self.found.append(reference)
                dangerous = dangerous or reference.danger is not None
        if dangerous:
            self.unsafe.append((self.position(), self.get_starttag_text() or "", attrs))

    handle_startendtag = handle_starttag

    def set_cdata_mode(self, *args: Any, **kwargs: Any) -> None:
        """Script and style contents are read as markup too: inside SVG or MathML a
        browser parses them as markup, and a ``javascript:`` link written in a script
        is refused just the same."""

    def handle_data(self, data: str) -> None:
        start = self.position()
        if self.text.startswith("<", start):
            self.stray.append(start)

    def handle_endtag(self, tag: str) -> None:
        self.position()

    def handle_comment(self, data: str) -> None:
        self.position()

    def handle_decl(self, decl: str) -> None:
        self.position()

    def handle_pi(self, data: str) -> None:
        self.position()

    def unknown_decl(self, data: str) -> None:
        """``<![CDATA[...]]>``: outside SVG and MathML a browser ends it at the first ``>``,
        where this parser waits for ``]]>``: what lies between would be markup to one and
        text to the other, so all of it is made text."""
        self.stray.append(self.position())

    def stray_text(self) -> list[tuple[int, int, str]]:
        """Edits escaping every ``<`` of the text the parser read from a ``<``.

        A tag or comment left unfinished (``<a href="javascript:...`` and no ``>``,
        ``<!--`` and no ``-->``) is text to this parser, up to the next thing it
        reads or the end; in a page a browser would read markup there, swallowing
        the page's next tags. Escaped, it is text for the browser too (so is a
        CDATA section, see :meth:`unknown_decl`).
        """
        edits = []
        for start in self.stray:
            end = next((b for b in self.boundaries if b > start), len(self.text))
            edits.append((start, end - start, self.text[start:end].replace("<", "&lt;")))
        return edits

    def defanged(self) -> str:
        """The text without a dangerous URL and without unfinished markup; the rest as it was."""
        edits = [(at, len(raw), _safe_tag(raw, attrs)) for at, raw, attrs in self.unsafe]
        edits += self.stray_text()
        text = self.text
        for at, length, replacement in sorted(edits, reverse=True):
            text = text[:at] + replacement + text[at + length:]
        return text


def scan(text: str) -> Scanner:
    """Read an HTML fragment: its URLs, its tags, and how to defang it."""
    scanner = Scanner(text)
    if "<" in text:
        scanner.feed(text)
        scanner.close()
    return scanner


def references(text: str | None) -> list[Reference]:
    """Every URL of an HTML fragment, in order."""
    return scan(text).found if text else []


#: An attribute name written back as it is; anything else in a tag being rewritten
#: (``"x``, ``=``, ``<svg`` in a malformed tag) is left out rather than risk new markup.
_PLAIN_NAME = re.compile(r"[a-zA-Z_:][-a-zA-Z0-9_:.]*")


def _safe_tag(tag_text: str, attrs: list[tuple[str, str | None]]) -> str:
    """A start tag written again without its dangerous URL attributes."""
    name = re.match(r"<\s*([a-zA-Z][-a-zA-Z0-9:]*)", tag_text)
    tag = name.group(1) if name else "span"
    kept = []
    for attribute, value in attrs:
        if not _PLAIN_NAME.fullmatch(attribute):
            continue
        if attribute in URL_ATTRIBUTES and value is not None and any(
                dangerous_scheme(url, image=(tag.lower(), attribute) in IMAGE_SOURCES)
                for url in candidates(attribute, value)):
            continue
        kept.append(attribute if value is None else f'{attribute}="{htmllib.escape(value)}"')
    closing = "/>" if tag_text.rstrip().endswith("/>") else ">"
    return f"<{tag}{''.join(' ' + k for k in kept)}{closing}"


def defang(text: str | None) -> str:
    """``text`` without a dangerous URL (see :meth:`Scanner.defanged`)."""
    return scan(text).defanged() if text else ""
