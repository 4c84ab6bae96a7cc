"""The plain-text part of an issue, written from the same data as the HTML, not stripped from it.

Mail clients that show text (and people who prefer it) get a readable
document: headings underlined, each item a short paragraph, lines of at most
78 characters, and links listed at the end as numbered references ([1]) so
long URLs never break a paragraph.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from html import unescape

from agora.newsletter.issue_files import GREETING_MARKER, UNSUBSCRIBE_MARKER
from agora.newsletter.model import EditionData, Item, Section

WIDTH = 78
_TAGS = re.compile(r"<[^>]+>")
_BLOCKS = re.compile(r"</(p|li|h[1-6]|blockquote|div)>|<br\s*/?>", re.IGNORECASE)


class References:
    """Links collected while writing, printed at the end as ``[n] URL``."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def cite(self, url: str) -> str:
        if url not in self.urls:
            self.urls.append(url)
        return f"[{self.urls.index(url) + 1}]"

    def lines(self) -> list[str]:
        # A URL longer than a line stays whole: wrapping it would break the link.
        return [f"[{n}] {url}" for n, url in enumerate(self.urls, start=1)]


def wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=indent,
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or []


def html_paragraphs(html: str) -> list[str]:
    """The paragraphs of an editorial written in Markdown, as plain text."""
    text = unescape(_TAGS.sub("", _BLOCKS.sub("\n\n", html)))
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def item_lines(item: Item, references: References) -> list[str]:
    head = f"* {item.title}" + (f" {references.cite(item.url)}" if item.url else "")
    lines = wrap(head, "")
    lines = [lines[0], *("  " + line for line in lines[1:])] if lines else []
    for detail in (item.when, item.meta, item.text):
        if detail:
            lines += wrap(detail, "  ")
    # Links to calendar applications carry the whole event in their query: too long for
    # a line of text; the web version and the .ics link serve text readers.
    short = [link for link in item.links if len(link.url) <= WIDTH - len("[99] ")]
    if short:
        lines += wrap(" · ".join(f"{link.label} {references.cite(link.url)}"
                                 for link in short), "  ")
    return lines


def section_lines(section: Section, references: References) -> list[str]:
    lines = [section.title, "-" * min(WIDTH, len(section.title)), ""]
    if section.html:
        for paragraph in html_paragraphs(section.html):
            lines += [*wrap(paragraph), ""]
    if section.text:
        lines += [*wrap(section.text), ""]
    for item in section.items:
        lines += [*item_lines(item, references), ""]
    return lines


def render_text(edition: EditionData, web_url: str, gettext: Callable[[str], str]) -> str:
    """``email.txt`` of one edition; the sender fills in the greeting and the unsubscribe link."""
    references = References()
    lines = [GREETING_MARKER, "", *wrap(edition.subject), "=" * min(WIDTH, len(edition.subject)),
             ""]
    for section in edition.sections:
        lines += section_lines(section, references)
    lines += [*wrap(gettext("Read this issue on the web:")), web_url, ""]
    lines += [*wrap(gettext("To stop receiving this newsletter:")), UNSUBSCRIBE_MARKER, ""]
    if references.urls:
        lines += [gettext("Links:"), *references.lines(), ""]
    return "\n".join(lines).rstrip() + "\n"
