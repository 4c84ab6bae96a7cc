"""Feeds: every stream a subscriber could want, built with feedgen from the hub model.

Streams -- one module each -- turn a slot of the hub into feeds: the blog
(everything, per language, category, tag, series and member), events (what is
coming, and the calendars), the forum's hot threads, the newsletter's issues.
A new feed is a few lines in a stream; a new stream is one module added to
:data:`STREAMS`. Pelican's own feed writer is switched off: these feeds use
Pelican's setting names (``FEED_ALL_ATOM``, ``CATEGORY_FEED_ATOM``...), so a
site's feed URLs keep their subscribers, and two feeds never share a URL.

Signals used, and why:

- ``generator_init``: Pelican's articles generator would write its own feeds at
  the same URLs; its feed writing is turned off for this build only;
- when the hub is complete (``Capability.complete_hub``, listed after every
  capability it syndicates): the feeds are built once (``hub.feeds``), before
  any page that links them is written;
- ``get_generators``: :class:`FeedsGenerator` writes the feed files, the
  ``/feeds/`` page and the OPML file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator

from agora.capability import Capability
from agora.core.i18n import catalogs_for
from agora.core.languages import settle
from agora.core.pages import StandalonePagesGenerator
from agora.feeds.blog import blog_feeds
from agora.feeds.events import events_feeds
from agora.feeds.forum import forum_feeds
from agora.feeds.model import Catalogs, Feed, FeedsView
from agora.feeds.newsletter import newsletter_feeds
from agora.feeds.opml import opml
from agora.feeds.render import render
from agora.hub import Hub
from agora.problems import problem
from agora.render import write_data
from agora.state import build_state, report

Stream = Callable[[Hub, Catalogs, int], Iterable[Feed]]
STREAMS: tuple[Stream, ...] = (blog_feeds, events_feeds, forum_feeds, newsletter_feeds)
#: Feeds named after something editors create: they give way when their URL is taken.
YIELDING = ("category", "tag", "series", "author")


def without_collisions(feeds: list[Feed], settings: Any) -> list[Feed]:
    """Feeds with one URL each: a category called "events" must not replace the events feed.

    Fixed feeds claim their URL first; a yielding one whose URL is taken moves to
    ``feeds/<kind>/<slug>.<format>.xml`` (under ``<lang>/`` for a page in another
    language: with a warning), or is left out.
    """
    order = sorted(feeds, key=lambda f: f.key.split(":")[0] in YIELDING)
    taken: set[str] = set()
    kept: dict[str, Feed] = {}
    for feed in order:
        path = feed.path
        if path in taken and feed.key.split(":")[0] in YIELDING:
            path = moved_path(feed)
            kind, slug = feed.key.split(":")[:2]
            report(settings, problem("pelicanconf.py", "feeds", f"expected one feed per URL: "
                                     f"the {kind} {slug!r} feed moved to {path}",
                                     found_text=f"{feed.path} already taken", severity="warning"))
        if path in taken:
            report(settings, problem("pelicanconf.py", "feeds", "expected one feed per URL",
                                     found_text=f"{feed.key} at {path}, already taken"))
            continue
        taken.add(path)
        kept[feed.key] = feed if path == feed.path else Feed(**{**vars(feed), "path": path})
    return [kept[f.key] for f in feeds if f.key in kept]


def moved_path(feed: Feed) -> str:
    """Where a yielding feed (key ``<kind>:<slug>[:<lang>][:rss]``) goes when its URL is
    taken: a folder of its kind, in the same language folder as before."""
    kind, slug = feed.key.split(":")[:2]
    folder = f"{feed.lang}/" if feed.path.startswith(f"{feed.lang}/") else ""
    return f"{folder}feeds/{kind}/{slug}.{feed.format}.xml"


def build_feeds(generators: list[Any]) -> None:
    """``complete_hub``: every feed is built once."""
    settings = generators[0].settings if generators else None
    state = build_state(settings)
    if settings is None or state is None:
        return
    settle(generators)  # the feeds are titled in every language of the site
    catalogs = catalogs_for(settings)
    limit = int(settings.get("FEED_MAX_ITEMS") or 20)
    found = [feed for stream in STREAMS for feed in stream(state.hub, catalogs, limit)]
    state.hub.feeds = FeedsView(without_collisions(found, settings), state.urls.default_lang)


def pelican_feeds_off(generator: Any) -> None:
    """``generator_init``: Agora writes the feeds; Pelican's writer would clash at their URLs."""
    if isinstance(generator, ArticlesGenerator):
        generator.generate_feeds = lambda writer: None


class FeedsGenerator(StandalonePagesGenerator):
    """The feed files, ``/feeds/`` (every feed and calendar) and ``/feeds/agora.opml``."""

    pages = (("agora/feeds", "feeds"),)

    def generate_output(self, writer: Any) -> None:
        state = build_state(self.settings)
        if state is None or state.hub.feeds is None:
            return
        urls = state.urls
        for feed in state.hub.feeds.written():
            # made from the hub alone: the render workers can make it (agora.render)
            write_data(writer, os.path.join(self.output_path, feed.path),
                       partial(render, feed, urls.absolute, urls.identity, state.now))
        title = str(self.settings.get("SITENAME") or "")  # the OPML lists every language
        self.write(urls.save_as("feeds_opml"),
                   opml(state.hub.feeds, title, urls.absolute, state.now))
        super().generate_output(writer)

    def write(self, relative: str, data: bytes) -> None:
        path = os.path.join(self.output_path, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)


def get_generators(pelican: Any) -> type:
    return FeedsGenerator


CAPABILITY = Capability(
    "agora.feeds",
    receivers=((signals.generator_init, pelican_feeds_off),
               (signals.get_generators, get_generators)),
    complete_hub=build_feeds,
)


def register() -> None:
    CAPABILITY.register()
