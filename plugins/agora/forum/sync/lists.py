"""Lists stage: the categories, ``/latest``, the top lists and the configured categories' lists.

The lists decide which topics the snapshot holds, in which order; the
categories' ``read_restricted`` flags keep private topics out of them (a topic
content links to explicitly is kept: an editor chose to show it).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from agora.forum.client import TopicList
from agora.forum.schema import Category, CategoryList, Topic, TopicSummary
from agora.forum.sync.records import Json, count
from agora.forum.sync.run import SyncRun

#: ``/latest`` pages read at most (each holds 30 topics); an incremental sync stops
#: earlier once a page can hold no news (see :meth:`Plan.more_latest`).
LATEST_PAGES = 2


@dataclass
class Site:
    """Categories as the snapshot stores them, and the ids of the private ones."""

    categories: list[Category]
    restricted: set[int]

    @property
    def known(self) -> set[Any]:
        return {c.get("id") for c in self.categories} | self.restricted

    @property
    def by_slug(self) -> dict[str, Category]:
        return {str(c["slug"]): c for c in self.categories if c.get("slug")}


@dataclass
class Lists:
    """What the lists say: the topics to hold, their order, and each list's ids."""

    site: Site
    #: List items read this time, by topic id (fresher than the stored copies).
    items: dict[int, Json]
    #: Every listed topic, read now or kept, in reading order.
    order: list[int]
    latest_ids: list[int]
    #: The end of the previous ``/latest`` list, below the pages read (unchanged).
    tail: list[TopicSummary]
    top: dict[str, list[int]]
    category_lists: dict[str, CategoryList]


def read_site(run: SyncRun) -> Site:
    run.report("site", 0, 1)
    site = run.client.site()
    run.plan.mark("site")
    run.report("site", 1, 1)
    raw = [c for c in site.get("categories") or [] if isinstance(c, dict)]
    restricted = {c["id"] for c in raw if c.get("read_restricted") and isinstance(c.get("id"), int)}
    public = sorted((c for c in raw if not c.get("read_restricted")),
                    key=lambda c: (count(c.get("position")), count(c.get("id"))))
    return Site([run.records.category(c) for c in public], restricted)


def current_site(run: SyncRun) -> tuple[Site, bool]:
    """The categories, read again when due; also whether they were read now.

    A configured slug the stored categories lack (a new category) is a reason to read.
    """
    previous = run.previous
    if previous is None or run.plan.due("site") or any(
            slug not in {c.get("slug") for c in previous.categories}
            for slug in run.wanted.categories):
        return read_site(run), True
    run.report("site", 0, 1)
    run.plan.keep("site")
    run.report("site", 1, 1)
    return Site(copy.deepcopy(previous.categories), set(previous.restricted_category_ids)), False


class ListReader:
    """Reads the lists in order, collecting their items and the topics they show."""

    def __init__(self, run: SyncRun, site: Site, site_read: bool):
        self.run = run
        self.site = site
        self.site_read = site_read
        self.stored: dict[int, Topic] = run.previous.topics if run.previous else {}
        self.linked = set(run.wanted.topic_ids)
        self.items: dict[int, Json] = {}
        self.order: list[int] = []
        periods = len(run.wanted.periods)
        self.jobs = 1 + periods + len(run.wanted.categories) * (1 + periods)
        self.done = 0

    def step(self, jobs: int = 1) -> None:
        self.done += jobs
        self.run.report("lists", self.done, self.jobs)

    def shown(self, topic_id: int) -> bool:
        topic: Mapping[str, Any] = self.items.get(topic_id) or self.stored.get(topic_id) or {}
        return topic.get("category_id") not in self.site.restricted or topic_id in self.linked

    def collect(self, listing: TopicList) -> list[Json]:
        """The items of a list just read that may be shown (private ones only if linked)."""
        self.run.records.users_by_id.update(listing.users)
        return [item for item in listing.topics if isinstance(item.get("id"), int)
                and (item.get("category_id") not in self.site.restricted
                     or item["id"] in self.linked)]

    def add(self, ids: Iterable[int], fresh: list[Json] | None = None) -> list[int]:
        """Ids of a list (``fresh``: its items, just read), as kept and in reading order."""
        for item in fresh or []:
            self.items.setdefault(item["id"], item)
        kept = [topic_id for topic_id in ids if self.shown(topic_id)]
        self.order.extend(t for t in dict.fromkeys(kept) if t not in self.order)
        return kept

    def listed(self, part: str, read: Callable[[], TopicList], kept: list[int] | None,
               force: bool = False) -> list[int]:
        """A list kept from the previous snapshot while fresh, else read now."""
        if kept is not None and not force and not self.run.plan.due(part):
            self.run.plan.keep(part)
            return self.add(kept)
        fresh = self.collect(read())
        self.run.plan.mark(part)
        return self.add([i["id"] for i in fresh], fresh)

    def latest(self) -> tuple[list[int], list[TopicSummary], set[Any]]:
        """``/latest`` ids, the previous list's unchanged tail, and the bumped categories."""
        run, previous = self.run, self.run.previous
        self.run.report("lists", 0, self.jobs)
        since = run.plan.latest_since()
        listing = run.client.latest(LATEST_PAGES, more=partial(run.plan.more_latest, since))
        run.plan.mark("latest")
        if not self.site_read and any(t.get("category_id") not in self.site.known
                                      for t in listing.topics if t.get("category_id") is not None):
            self.site, self.site_read = read_site(run), True  # a new category: read them now
        fresh = self.collect(listing)
        latest_ids = self.add([i["id"] for i in fresh], fresh)
        tail: list[TopicSummary] = []
        if listing.stopped_early and previous is not None:
            # Nothing below the pages read changed: the rest is the previous list,
            # minus the topics that moved up, at the length the list had.
            room = max(0, len(previous.latest) - len(latest_ids))
            tail = [s for s in previous.latest
                    if s["id"] not in latest_ids and self.shown(s["id"])][:room]
            self.add([s["id"] for s in tail])
        self.step()
        bumped = {i.get("category_id") for i in fresh if i["id"] not in self.stored
                  or i.get("bumped_at") != self.stored[i["id"]].get("bumped_at")}
        return latest_ids, tail, bumped

    def tops(self) -> dict[str, list[int]]:
        previous = self.run.previous
        top: dict[str, list[int]] = {}
        for period in self.run.wanted.periods:
            kept = previous.top.get(period) if previous else None
            top[period] = self.listed(f"top:{period}", partial(self.run.client.top, period), kept)
            self.step()
        return top

    def category_lists(self, bumped: set[Any]) -> dict[str, CategoryList]:
        """The configured categories' lists; one is read again when a topic of it was bumped."""
        by_slug = self.site.by_slug
        lists: dict[str, CategoryList] = {}
        for slug in self.run.wanted.categories:
            if slug not in by_slug:
                self.run.warn(f"category {slug!r}: expected one of the forum's public "
                              f"categories ({', '.join(sorted(by_slug))}), found none with "
                              "that slug")
                self.step(1 + len(self.run.wanted.periods))
                continue
            lists[slug] = self.category_list(slug, by_slug[slug]["id"], bumped)
        return lists

    def category_list(self, slug: str, category_id: int, bumped: set[Any]) -> CategoryList:
        previous, client = self.run.previous, self.run.client
        before: Mapping[str, Any] = (
            previous.category_lists.get(slug) if previous else None) or {}
        moved = before.get("id") != category_id
        latest = self.listed(f"category:{slug}",
                             partial(client.category_topics, slug, category_id),
                             before.get("latest") if "latest" in before else None,
                             force=category_id in bumped or moved)
        self.step()
        top: dict[str, list[int]] = {}
        for period in self.run.wanted.periods:
            top[period] = self.listed(f"category:{slug}:top:{period}",
                                      partial(client.category_topics, slug, category_id, period),
                                      (before.get("top") or {}).get(period), force=moved)
            self.step()
        return {"id": category_id, "latest": latest, "top": top}


def read_lists(run: SyncRun) -> Lists:
    """Every list, in reading order: site, latest, top periods, configured categories."""
    site, site_read = current_site(run)
    reader = ListReader(run, site, site_read)
    latest_ids, tail, bumped = reader.latest()
    top = reader.tops()
    category_lists = reader.category_lists(bumped)
    return Lists(site=reader.site, items=reader.items, order=reader.order,
                 latest_ids=latest_ids, tail=tail, top=top, category_lists=category_lists)


def latest_summaries(run: SyncRun, lists: Lists, topics: dict[int, Topic]) -> list[TopicSummary]:
    """The ``/latest`` list as stored; lists carry excerpts only for pinned topics."""
    latest = [run.records.summary(lists.items[i]) for i in lists.latest_ids]
    latest += [copy.deepcopy(s) for s in lists.tail]
    for summary in latest:
        if not summary.get("excerpt") and summary["id"] in topics:
            summary["excerpt"] = topics[summary["id"]].get("excerpt") or ""
    return latest
