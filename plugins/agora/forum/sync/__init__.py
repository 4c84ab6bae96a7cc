"""``agora sync``: read the forum once, write a snapshot builds can use offline.

Why a separate step: a build must not depend on the forum being reachable, and
the forum must not be hammered by every preview build.

**The forum's data is all-or-nothing; its files are best effort.** Any failure
reading lists, topics or statistics raises and leaves the previous snapshot
byte-identical (see :mod:`agora.forum.snapshot`). The one tolerated failure
there is a single topic or profile the forum refuses (404 / 403): its last good
data is kept and a warning recorded. Avatars and post images, often on other
hosts (CDNs), fall back instead -- initials, alt text -- with a warning, and are
tried again at the next sync (:mod:`agora.forum.sync.files`).

The sync runs in stages over one :class:`~agora.forum.sync.run.SyncRun`, each a
module: :mod:`~.plan` (what to read, given the previous snapshot),
:mod:`~.lists` (categories, latest, top and category lists), :mod:`~.topics`,
:mod:`~.people` (contributors, profiles), :mod:`~.activity` (stats, events),
:mod:`~.assemble` (the new :class:`~agora.forum.schema.Document`) and
:mod:`~.files` (avatars, images); :mod:`~.records` turns forum JSON into
snapshot records.

Economy -- the forum is somebody else's server, Discourse has no ETag or
conditional GET, and every request costs a second of the default budget. What
an incremental sync (the previous snapshot is of the same forum and ``full`` is
off) reads, and why:

* **Every sync**: ``/latest.json`` page 0 and ``/about.json``. The latest list is
  what tells which topics changed; the stats feed the health trends (the
  history keeps one point per day, the day's last, so hourly syncs still cover
  the 7- and 30-day comparisons).
* **Slowly changing parts, once older than the slow interval** (setting
  ``AGORA_FORUM_SLOW_REFRESH_HOURS``): ``/site.json`` (categories rarely
  change), ``/top.json`` per period and the categories' top lists (Discourse
  recomputes top scores in a scheduled job, not on each reply),
  ``/directory_items.json`` (also recomputed by a scheduled job, see its
  ``meta.last_updated_at``), the calendar plugin's events (a forum without the
  plugin answers 404: that absence is remembered the same way and probed again
  after the interval) and member profiles. When each was last read is stored in
  the snapshot's ``fetched_at`` map. Two things force an earlier read of
  ``/site.json``: a configured category slug, or a topic in a list, whose
  category the snapshot does not know (a new category). A category's latest list
  is read again at once when one of its topics was bumped.
* **More /latest pages only while they can hold news**: Discourse orders
  ``/latest`` by ``bumped_at``, so once a page ends with a topic bumped before
  the previous sync read the list, nothing further down changed: the rest of
  the list is the previous snapshot's, minus the topics that moved up. (The
  comparison uses the instant the previous sync *started* -- not its end --
  minus ``LATEST_OVERLAP`` for clock differences between us and the forum.)
  Every bump since the last sync therefore shows up in what is read, which is
  what the topic decisions below rely on.
* **Topics**: one in a list is read again only when its ``bumped_at`` or
  ``highest_post_number`` changed (cheap fields like views are taken from the
  list). A changed topic of at most ``TOPIC_CHUNK`` (20) posts costs one
  ``/t/{id}.json``, which holds all its posts. A changed *long* topic costs one
  ``/t/{id}/{n}.json`` with ``n`` just after the known ``highest_post_number``:
  Discourse answers with the posts around ``n`` (so the new ones) and the whole
  ``post_stream.stream``; only when more than a chunk of posts arrived are the
  rest read with ``posts.json``. The new posts are merged into the stored topic:
  best replies are re-ranked by likes among the stored best replies and the
  posts just read, participants come from ``details.participants``, counts from
  the topic document. Trade-off: likes given to *older* posts that were not
  among the best replies and not in the chunk just read are not seen, so such a
  post can miss its place among the best replies until the next full sync
  (``agora sync --full``), which reads every post again. A topic the previous
  snapshot does not hold (an old one bumped back into the lists) has nothing to
  merge with: it is read whole, ``/t/{id}.json`` plus ``posts.json`` when long.
* **Topics linked from content that are in no list**: nothing says when they
  change (likes, edits, closing do not bump), so each is read again once its
  stored copy (``fetched_at`` on the topic) is older than the slow interval.
* **Files**: avatars and the images of kept post bodies are downloaded once and
  reused by URL from the previous snapshot; only those still pending (a failed
  download) are tried again.

``full=True`` (``agora sync --full``) reads every list, page and topic again as
if there were no previous snapshot; downloaded files are still reused by URL
(Discourse gives a changed avatar or upload a new URL).

Privacy: categories the forum marks ``read_restricted`` (visible only with an
API key) and their topics are left out of the lists; a topic linked explicitly
from content (``topic_ids``) is kept, since an editor chose to show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from agora.forum.client import DiscourseClient
from agora.forum.snapshot import Snapshot, SnapshotError, SnapshotWriter, load_snapshot, recover
from agora.forum.sync.activity import read_events, read_stats
from agora.forum.sync.assemble import assemble
from agora.forum.sync.files import resolve_files
from agora.forum.sync.lists import latest_summaries, read_lists
from agora.forum.sync.people import read_directory, read_profiles
from agora.forum.sync.plan import Plan
from agora.forum.sync.records import Records, normalise_stats
from agora.forum.sync.run import ProgressCallback, SyncCounts, SyncRun, Wanted
from agora.forum.sync.topics import read_topics
from agora.forum.validate import host_names
from agora.settings import Options

__all__ = ["ProgressCallback", "SyncCounts", "SyncResult", "normalise_stats", "sync"]


@dataclass(kw_only=True)
class SyncResult(SyncCounts):
    """What a sync did, for the CLI and for tests (see :class:`SyncCounts`)."""

    snapshot_dir: Path
    snapshot: Snapshot
    requests: int = 0


def sync(options: Options, snapshot_dir: str | Path, *, now: datetime,
         topic_ids: Iterable[int | str] = (), usernames: Iterable[str] = (),
         client: DiscourseClient | None = None, progress: ProgressCallback | None = None,
         full: bool = False) -> SyncResult:
    """Read the forum of ``options`` and atomically replace the snapshot in ``snapshot_dir``.

    ``now`` is when the sync starts (``agora sync`` reads the build's clock:
    ``AGORA_NOW`` wins); ``topic_ids`` and ``usernames`` are what content links
    to. Every stored link points to ``options.forum_url``; ``client`` (by default
    one made from the options) may read from elsewhere, e.g. a local test server.
    ``progress`` is called as ``progress(stage, done, total)``; an exception it
    raises aborts the sync like any other failure: the previous snapshot stays
    as it was. ``full`` reads everything again (module docstring).
    """
    base = options.forum_url.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"forum URL: expected an http(s) URL like https://forum.example.org, "
                         f"found {options.forum_url!r}")
    target = Path(snapshot_dir)
    counts = SyncCounts()
    recover(target)
    previous = _previous_snapshot(target, base, options, counts)
    wanted = Wanted(topic_ids=tuple(int(t) for t in topic_ids),
                    usernames=tuple(dict.fromkeys(u for u in usernames if u)),
                    categories=tuple(dict.fromkeys(c for c in options.forum_categories if c)),
                    periods=tuple(dict.fromkeys(p for p in options.forum_top_periods if p)))
    own_client = client is None
    reader = client or DiscourseClient.from_options(options, base_url=base)
    first_request = reader.request_count
    plan = Plan(now=now, previous=previous, full=full, refreshed=counts.refreshed,
                slow_refresh=timedelta(hours=options.forum_slow_refresh_hours))
    try:
        with SnapshotWriter(target) as writer:
            run = SyncRun(forum_url=base, client=reader, writer=writer, previous=previous,
                          plan=plan, records=Records(base, now), wanted=wanted, counts=counts,
                          asset_hosts=host_names(options.forum_asset_hosts), progress=progress)
            snapshot = _write(run)
    finally:
        if own_client:
            reader.close()
    return SyncResult(snapshot_dir=target, snapshot=snapshot,
                      requests=reader.request_count - first_request, **vars(counts))


def _previous_snapshot(target: Path, base: str, options: Options,
                       counts: SyncCounts) -> Snapshot | None:
    """The snapshot to build on, or None for a full sync (with the reason as a warning)."""
    try:
        previous = load_snapshot(target, asset_hosts=options.forum_asset_hosts)
    except SnapshotError as exc:
        counts.warnings.append(f"previous snapshot unreadable, doing a full sync: {exc}")
        return None
    if previous is None:
        return None
    if previous.forum_url.rstrip("/") != base:
        counts.warnings.append(f"previous snapshot is of {previous.forum_url}: "
                               "doing a full sync")
        return None
    counts.warnings.extend(f"previous snapshot: {p} (left out)" for p in previous.problems)
    return previous


def _write(run: SyncRun) -> Snapshot:
    """Every stage in reading order, then the document checked and written."""
    lists = read_lists(run)
    topics = read_topics(run, lists)
    latest = latest_summaries(run, lists, topics)
    stats = read_stats(run)
    directory = read_directory(run)
    profiles = read_profiles(run, directory)
    events = read_events(run)
    document = assemble(run, lists=lists, topics=topics, latest=latest, stats=stats,
                        directory=directory, profiles=profiles, events=events)
    resolve_files(run, document)
    run.report("write", 0, 1)
    snapshot = run.writer.write(document, asset_hosts=run.asset_hosts)
    run.counts.warnings.extend(f"{p} (left out)" for p in snapshot.problems)
    run.report("write", 1, 1)
    return snapshot
