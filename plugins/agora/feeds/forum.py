"""The forum feed: the threads the community is talking about, from the snapshot."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup, escape

from agora.feeds.model import Catalogs, Entry, Feed, feed_texts, titled
from agora.hub import Hub

Gettext = Callable[[str], str]


def thread_entry(thread: dict[str, Any], hub: Hub, ngettext: Callable[..., str],
                 lang: str) -> Entry:
    """A hot thread; its link goes to the forum, its text is the snapshot's, escaped again."""
    assert hub.forum is not None
    moment = thread.get("last_activity") or hub.forum.taken_at
    title = Markup(thread["title"]).striptags()
    replies = ngettext("%(num)s reply", "%(num)s replies", thread["replies"]) % {
        "num": thread["replies"]}
    category = thread.get("category") or {}
    about = Markup(thread.get("excerpt") or "").striptags()
    body = f"<p>{escape(about)}</p>" if about else ""
    body += f"<p>{escape(replies)}"
    if category.get("name"):
        body += f" · {escape(Markup(category['name']).striptags())}"
    body += "</p>"
    return Entry(id=str(thread["url"]), title=title, url=str(thread["url"]), published=moment,
                 updated=moment, content_html=body, summary=about,
                 categories=tuple(str(t) for t in thread.get("tags") or []), lang=lang)


def forum_feeds(hub: Hub, catalogs: Catalogs, limit: int) -> Iterable[Feed]:
    """One feed, in the default language: its entries are the forum's threads, in the
    forum's language; pages in other languages name it in theirs."""
    urls, forum = hub.urls, hub.forum
    path = urls.feed("FORUM_FEED_ATOM")
    if forum is None or not path:
        return
    lang = urls.default_lang
    entries = tuple(thread_entry(t, hub, catalogs(lang).ngettext, lang) for t in forum.hot(limit))
    titles = feed_texts(hub, catalogs, lambda _, site: (
        titled(site, _("Hot on the forum")), _("The liveliest discussions of the forum.")), lang)
    yield Feed("forum", "forum", *titles[lang], path, urls.url("forum"), lang, "atom", entries,
               titles)
