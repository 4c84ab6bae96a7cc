"""Writing a :class:`~agora.feeds.model.Feed` as Atom or RSS 2.0, with feedgen.

What every feed gets here, whatever its stream: text cleaned of the characters
XML 1.0 cannot carry (a control character in a title would otherwise make the
whole file unreadable), absolute links, an explicit ``updated`` (feedgen would
put the wall clock there), entries in the stream's order, and deterministic
bytes for the same hub.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import lxml.etree
import lxml.html
from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator

import agora
from agora.feeds.model import Entry, Feed

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (NUL, most C0 controls, lone surrogates)."""
    return _NOT_XML.sub("", text)


def absolute_html(html: str, base_url: str) -> str:
    """``html`` with every link and image made absolute against ``base_url``.

    Feed readers show entries out of the site's context: a relative ``src`` is a
    broken image there.
    """
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(xml_text(html), create_parent="div")
    root.make_links_absolute(base_url, resolve_base_href=False)
    inner = (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root)
    return inner


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class EntryExtras(BaseEntryExtension):
    """What feedgen 1.0 cannot say of an Atom entry: further links and a language.

    feedgen writes an entry's links without ``rel`` or ``type``: a second link (an
    event's calendar file) would read as a second "alternate" page, which RFC 4287
    forbids. And an entry in another language than its feed's (an untranslated
    article in a language's category feed) needs its own ``xml:lang``.
    """

    def __init__(self) -> None:
        self.links: tuple[tuple[str, str, str, str], ...] = ()
        self.lang = ""

    def extend_atom(self, entry: lxml.etree._Element) -> lxml.etree._Element:
        for rel, href, media_type, title in self.links:
            lxml.etree.SubElement(entry, "link", href=href, rel=rel, type=media_type,
                                  title=xml_text(title))
        if self.lang:
            entry.set(XML_LANG, self.lang)
        return entry


def _add_entry(generator: FeedGenerator, entry: Entry, rss: bool, feed_lang: str) -> None:
    item = generator.add_entry(order="append")
    item.id(entry.id)
    item.guid(entry.id, permalink=entry.id == entry.url)
    item.title(xml_text(entry.title))
    item.link(href=entry.url, rel="alternate")
    own_lang = entry.lang if entry.lang and entry.lang != feed_lang else ""
    if own_lang and rss:
        item.dc.dc_language(own_lang)
    if (entry.links or own_lang) and not rss:
        item.register_extension("agora", EntryExtras, atom=True, rss=False)
        item.agora.links, item.agora.lang = entry.links, own_lang
    item.published(entry.published)
    item.updated(entry.updated)
    if entry.content_html:
        item.content(xml_text(str(entry.content_html)), type="html")
    if entry.summary:
        item.summary(xml_text(entry.summary))
    for name in entry.authors:
        if rss:  # RSS's own <author> needs an e-mail address: names go in dc:creator
            item.dc.dc_creator(xml_text(name))
        else:
            item.author(name=xml_text(name))
    for term in entry.categories:
        item.category(term=xml_text(term), label=xml_text(term))


def render(feed: Feed, absolute: Callable[[str], str], identity: Callable[[str], str],
           fallback_updated: datetime) -> bytes:
    """The feed document: Atom, or RSS 2.0 when ``feed.format`` is ``rss``.

    ``absolute`` turns a site path into the public URL, ``identity`` into the id
    that never changes (see :attr:`agora.urls.Urls.identity_base`).
    ``fallback_updated`` dates a feed without entries.
    """
    rss = feed.format == "rss"
    generator = FeedGenerator()
    if rss:
        generator.load_extension("dc")
    generator.id(identity(feed.path))
    generator.title(xml_text(feed.title))
    generator.subtitle(xml_text(feed.description or feed.title))
    generator.link(href=absolute(feed.page_url), rel="alternate")
    generator.link(href=absolute(feed.path), rel="self")
    generator.language(feed.lang)
    updated = feed.updated or fallback_updated
    generator.updated(updated)
    generator.lastBuildDate(updated)
    generator.generator("Agora", agora.__version__)
    for entry in feed.entries:
        _add_entry(generator, entry, rss, feed.lang)
    data: bytes = (generator.rss_str(pretty=True) if rss else generator.atom_str(pretty=True))
    return data
