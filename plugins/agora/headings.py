"""Markdown extension: every heading gets the id the ``toc`` extension would give it.

Why: Agora keeps ``toc`` for one thing, linkable headings (``#une-section``);
no template shows an article's table of contents (the charter builds its own).
``toc`` also builds, serializes and post-processes a table of contents for
every document, and walks the whole tree for a ``[TOC]`` marker: a few per
cent of a cold build, for nothing a reader sees. This extension is ``toc``
with only the id assignment (the same slugs, the same de-duplication, ids
already set kept); a document holding the marker gets the full ``toc``
treatment, so ``[TOC]`` still works.

In ``MARKDOWN["extension_configs"]`` as ``"agora.headings": {...}`` with
``toc``'s options (``slugify``, ``separator``, ``marker``...).
"""

from __future__ import annotations

import html
from typing import Any
from xml.etree import ElementTree as etree

from markdown.extensions.toc import (
    TocExtension,
    TocTreeprocessor,
    remove_fnrefs,
    render_inner_html,
    strip_tags,
    unique,
)


class HeadingIds(TocTreeprocessor):
    """``toc``'s ids, without the table of contents."""

    def run(self, doc: etree.Element) -> None:
        lines = getattr(self.md, "lines", None) or ()
        if self.marker and any(self.marker in line for line in lines):
            super().run(doc)
            return
        used_ids = {el.attrib["id"] for el in doc.iter() if "id" in el.attrib}
        counters: dict[str, int] = {}
        for el in doc.iter():
            if not (isinstance(el.tag, str) and self.header_rgx.match(el.tag)):
                continue
            self.set_level(el)
            if not el.attrib.get("id"):
                name = strip_tags(render_inner_html(remove_fnrefs(el), self.md))
                el.attrib["id"] = unique(self.slugify(html.unescape(name), self.sep),
                                         used_ids, counters)
            el.attrib.pop("data-toc-label", None)
            if self.use_anchors:
                self.add_anchor(el, el.attrib["id"])
            if self.use_permalinks not in [False, None]:
                self.add_permalink(el, el.attrib["id"])
        self.md.toc_tokens = []  # type: ignore[attr-defined]
        self.md.toc = ""  # type: ignore[attr-defined]


class HeadingsExtension(TocExtension):
    TreeProcessorClass = HeadingIds


def makeExtension(**kwargs: Any) -> HeadingsExtension:  # the name Markdown looks for
    return HeadingsExtension(**kwargs)


__all__ = ["HeadingIds", "HeadingsExtension", "makeExtension"]
