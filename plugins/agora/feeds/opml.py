"""``/feeds/agora.opml``: every feed of the hub, for a feed reader to import at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from xml.etree import ElementTree

from agora.feeds.model import FeedsView
from agora.feeds.render import xml_text


def opml(view: FeedsView, title: str, absolute: Callable[[str], str], built: datetime) -> bytes:
    """OPML 2.0, one outline per group; calendars are listed with their media type."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = xml_text(title)
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(built)
    body = ElementTree.SubElement(root, "body")
    for group, feeds in view.groups():
        outline = ElementTree.SubElement(body, "outline", text=group, title=group)
        for feed in feeds:
            kind = "rss" if feed.format in ("atom", "rss") else "link"
            ElementTree.SubElement(outline, "outline", type=kind, text=xml_text(feed.title),
                                   title=xml_text(feed.title), xmlUrl=absolute(feed.path),
                                   htmlUrl=absolute(feed.page_url), language=feed.lang)
    ElementTree.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
        root, encoding="utf-8") + b"\n"
