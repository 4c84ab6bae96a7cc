"""Make forum content safe and self-contained before it enters the snapshot.

Discourse ``cooked`` HTML is written by forum members: it is untrusted and
published on our pages, so it goes through an nh3 allow-list (text markup,
links, images, code, quotes, lists, tables; no scripts, frames, styles, event
handlers or ``javascript:``/``data:`` URLs). Its URLs are relative to the forum
(``/uploads/...``, ``/u/...``, emoji, ``//cdn/...``) and would break on our
site, so they are made absolute against the forum base URL. Links get
``rel="nofollow ugc noopener"`` (user-generated content, no SEO endorsement).

Images are never hot-linked from our pages. Sync downloads the images of the
HTML it keeps into the snapshot and rewrites their ``src`` to
``snapshot:images/<name>`` (:func:`localize_images`); the sanitizer lets that
scheme through on ``<img src>`` only, with a strict file-name pattern. At build
time :func:`localize_images` runs again on the re-sanitized HTML to turn those
references into published URLs and to drop every ``<img>`` that still points
elsewhere (its ``alt`` text stays), so even a hand-edited snapshot cannot make
a page load an image from the forum.

The other helpers smooth over shapes that differ between Discourse versions:
tags as strings or objects, relative or absolute avatar templates.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3

LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: ``src`` of an image stored in the snapshot folder: ``snapshot:images/<name>``.
SNAPSHOT_SCHEME = "snapshot:"
#: The only ``snapshot:`` references the sanitizer keeps (on ``<img src>``).
SNAPSHOT_REF = re.compile(r"snapshot:images/[a-z0-9][a-z0-9._-]{0,80}")

ALLOWED_TAGS = frozenset({
    "a", "abbr", "aside", "b", "blockquote", "br", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
})
#: Removed together with their content (the rest keep their text when stripped).
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
    "form", "button", "select", "textarea", "video", "audio", "canvas",
})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "abbr": frozenset({"title"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
    "ol": frozenset({"start", "reversed"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "details": frozenset({"open"}),
}
#: Discourse classes worth keeping so the theme can style quotes, mentions, emoji.
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"mention", "mention-group", "hashtag", "lightbox", "onebox"}),
    "aside": frozenset({"quote", "onebox"}),
    "div": frozenset({"lightbox-wrapper", "meta", "title"}),
    "img": frozenset({"emoji", "avatar", "thumbnail"}),
    "span": frozenset({"mention", "hashtag", "hashtag-raw"}),
}
#: Image size captions inside Discourse lightboxes ("photo.jpg 1200×800 240 KB").
_LIGHTBOX_META = re.compile(r'<div class="meta">.*?</div>', re.DOTALL)
_SPACES = re.compile(r"\s+")


def absolute_url(url: str | None, base: str) -> str | None:
    """``url`` made absolute against the forum ``base``; None unless it ends up http(s).

    Handles root-relative (``/uploads/x.png``), protocol-relative (``//cdn/x``)
    and already absolute URLs; anything else (``javascript:``, ``data:``) is None.
    """
    if not url or not isinstance(url, str):
        return None
    joined = urljoin(base.rstrip("/") + "/", url.strip())
    if urlsplit(joined).scheme not in ("http", "https"):
        return None
    return joined


def sanitize_cooked(cooked: str | None, base_url: str) -> str:
    """Safe HTML for a Discourse ``cooked`` body, with absolute URLs and nofollow links."""
    if not cooked:
        return ""
    cleaner = nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_snapshot_refs_on_images_only,
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        url_schemes={*URL_SCHEMES, SNAPSHOT_SCHEME.rstrip(":")},
        url_relative=("rewrite_with_base", base_url.rstrip("/") + "/"),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # The lightbox caption is removed only after sanitizing, where its markup is
    # normalised; cutting it out cannot make the remaining markup unsafe.
    cleaned = cleaner.clean(cooked)
    return _LIGHTBOX_META.sub("", cleaned).strip()


def _snapshot_refs_on_images_only(element: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: ``snapshot:`` URLs survive only as well-formed ``<img src>``."""
    if attribute in ("href", "src") and value.strip().lower().startswith(SNAPSHOT_SCHEME):
        if element == "img" and attribute == "src" and SNAPSHOT_REF.fullmatch(value):
            return value
        return None
    return value


#: An ``<img>`` tag as nh3 serializes it (attribute values double-quoted, ``>`` escaped).
_IMG_TAG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([^\s"\'=<>/]+)(?:\s*=\s*"([^"]*)")?')


def localize_images(html: str, resolve: Callable[[str], str | None]) -> str:
    """Rewrite every ``<img src>`` of sanitized ``html`` through ``resolve``.

    ``resolve(src)`` returns the URL to use instead, or None to drop the image;
    a dropped image leaves its ``alt`` text (Discourse emoji keep ``:seedling:``),
    an image without ``src`` is dropped too. Meant for the output of
    :func:`sanitize_cooked`: at sync time ``resolve`` downloads remote images
    and answers ``snapshot:images/<name>``; at build time it publishes those
    files and answers None for anything else, so nothing is hot-linked.
    """
    def replace(match: re.Match[str]) -> str:
        attributes = [(name.lower(), htmllib.unescape(value or ""))
                      for name, value in _ATTRIBUTE.findall(match.group(1))]
        values = dict(attributes)
        target = resolve(values["src"]) if values.get("src") else None
        if not target:
            return htmllib.escape(values.get("alt", ""), quote=False)
        parts = [f'src="{htmllib.escape(target)}"']
        parts += [f'{name}="{htmllib.escape(value)}"' for name, value in attributes
                  if name != "src"]
        return f"<img {' '.join(parts)}>"

    return _IMG_TAG.sub(replace, html) if html else ""


def image_sources(html: str | None) -> list[str]:
    """Every ``<img src>`` of sanitized ``html``, in order, without repeats."""
    found: list[str] = []
    for match in _IMG_TAG.finditer(html or ""):
        for name, value in _ATTRIBUTE.findall(match.group(1)):
            src = htmllib.unescape(value or "")
            if name.lower() == "src" and src and src not in found:
                found.append(src)
    return found


class _TextExtractor(HTMLParser):
    """Collects readable text, skipping quotes, oneboxes, code blocks and image captions."""

    SKIP = frozenset({"aside", "script", "style", "pre", "svg", "iframe", "noscript",
                      "template", "object"})
    BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                       "blockquote", "ul", "ol", "table", "hr", "details", "summary"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []  # tags whose content is skipped, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.stack or tag in self.SKIP or (tag == "div" and "meta" in classes):
            if tag not in ("br", "img", "hr"):
                self.stack.append(tag)
            return
        if tag in self.BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        if tag in self.BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.stack:
            self.parts.append(data)


def plain_text(cooked: str | None) -> str:
    """All readable text of a cooked body on one line (quotes and code left out)."""
    if not cooked:
        return ""
    parser = _TextExtractor()
    parser.feed(cooked)
    parser.close()
    return _SPACES.sub(" ", "".join(parser.parts)).strip()


def excerpt_from_cooked(cooked: str | None, length: int = 200) -> str:
    """A plain-text excerpt of at most ``length`` characters, cut at a word, with "…".

    Discourse lists give an excerpt only for pinned topics, so excerpts are
    taken from the first post's cooked HTML instead.
    """
    text = plain_text(cooked)
    if len(text) <= length:
        return text
    cut = text[: max(1, length - 1)]
    if " " in cut[length // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def clean_text(value: Any) -> str:
    """Plain text from a field that may contain entities (``fancy_title``, list excerpts)."""
    if not isinstance(value, str):
        return ""
    return _SPACES.sub(" ", htmllib.unescape(value)).strip()


def normalise_tags(tags: Iterable[Any] | None) -> list[str]:
    """Tag names from strings or ``{id, name, slug}`` objects, in order, without repeats."""
    names: list[str] = []
    for tag in tags or ():
        if isinstance(tag, str):
            name = tag
        elif isinstance(tag, dict):
            name = tag.get("name") or tag.get("slug") or ""
        else:
            continue
        name = name.strip() if isinstance(name, str) else ""
        if name and name not in names:
            names.append(name)
    return names


def avatar_url(template: str | None, size: int, base: str) -> str | None:
    """The absolute URL of an ``avatar_template`` at ``size`` pixels (None if unusable)."""
    if not template or not isinstance(template, str):
        return None
    return absolute_url(template.replace("{size}", str(int(size))), base)
