"""Search: Pagefind indexes the written site, offline, at the end of every build.

Pagefind (``pagefind[bin]`` ships its binary) reads the HTML the build wrote
and writes a static index beside it (``SEARCH_INDEX_URL``, ``/pagefind/``); the
search page (``/search/``) and the header's search box query it in the
browser, with no server. What is indexed is decided by the templates:

- ``data-pagefind-body`` on the main content of articles, events, members and
  pages -- only when published (drafts, scheduled posts, hidden and archived
  pages never are); listings have none, so Pagefind leaves them out, and
  members without consent have no page at all;
- ``data-pagefind-filter``: ``type`` (article, event, member, page) and
  ``lang``; ``data-pagefind-meta``: event dates, member roles.

All languages share one index (``--force-language`` with the site's
language), so the language filter can offer every language of the hub.

Pagefind holds everything it indexes in memory (about 135 KB a page), more
than the rest of a big hub's build. So a hub of more than
``AGORA_SEARCH_SHARD_PAGES`` pages (1,000) is indexed in shards, one Pagefind
run after another: the first at ``/pagefind/``, the others in
``/pagefind/shard-N/``, listed in ``/pagefind/shards.json``; search.js merges
them with Pagefind's ``mergeIndex``, which reuses the first shard's
WebAssembly, so a visitor pays a few small requests per shard, not more code.
Pages are dealt out in turn, so every shard samples the whole hub and the
scores of their results compare.

Without the binary the site is built all the same, with one warning, and the
search page says search is unavailable.

Signals used, and why:

- ``get_generators``: :class:`SearchPageGenerator` writes ``/search/``;
- ``all_generators_finalized``: ``hub.search`` (the languages of the content);
  the binary is looked for once per run, so a missing one is reported before
  ``build.json`` is written; a staging folder under the cache is made;
- ``agora.page_written`` (in whichever process rendered the page): a page
  marked ``data-pagefind-body`` is hard-linked into the staging folder, so
  Pagefind reads the pages it indexes and not the listings it would parse to
  drop, and nothing reads every page again;
- ``agora.pages_written`` (every page is written): Pagefind starts at once,
  in a thread, while the links between pages are checked; the build report
  waits for it (``BuildState.background``), so its failure is in
  ``build.json``. Pagefind cannot update an index, and indexing a big hub
  costs a fifth of its build: an incremental preview build indexes again only
  the shards holding a page it wrote (:mod:`agora.search.shards`), and keeps
  the index when it wrote no page to index;
- ``finalized``: the same, at the end, for a build without ``agora.render``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.core import Locale, UnknownLocaleError
from pelican import signals

from agora.capability import Capability
from agora.core.pages import StandalonePagesGenerator
from agora.incremental import current_plan
from agora.problems import problem
from agora.render import page_written, pages_written
from agora.search.shards import (
    forget_record,
    install_shard,
    link_page,
    link_pages,
    read_record,
    shard_folders,
    shard_path,
    shards_to_update,
    write_record,
    write_shard_list,
)
from agora.settings import options
from agora.state import build_state, report

try:
    import pagefind_bin
except ImportError:  # pagefind[bin] not installed: the PATH may still have the binary
    pagefind_bin = None

logger = logging.getLogger(__name__)
_BINARY = "search.pagefind"
#: What the templates put on the pages to index (published content only).
INDEXED_TEXT = "data-pagefind-body"
INDEXED_MARK = INDEXED_TEXT.encode()
#: What a preview puts on the page of a draft or scheduled post: never indexed.
UNPUBLISHED_MARK = b"data-preview-banner"
_STAGING = "search.staging"  # memo: (output folder, folder the pages to index are linked in)
_STARTED = "search.started"  # memo: Pagefind was started when the pages were written
_INDEXED = "search.indexed"  # memo: this build made the whole index again
#: Left in the staging folder by a page that could not be linked there.
INCOMPLETE = ".incomplete"
#: Indexing the demo takes well under a second; a stuck binary must not hang a build.
TIMEOUT_SECONDS = 600


def pagefind_binary() -> str | None:
    """The Pagefind executable: the one ``pagefind[bin]`` ships, else one on the PATH."""
    if pagefind_bin is not None:
        try:
            return str(pagefind_bin.get_executable())
        except FileNotFoundError:
            pass
    return shutil.which("pagefind")


@dataclass
class SearchView:
    """The search capability's slot of the hub (``hub.search``), read by the search page."""

    index_url: str  # Pagefind's folder, relative to the site root
    available: bool  # the binary was found: the build writes an index
    #: (code, name in that language) of every language with content, the site's first
    languages: list[tuple[str, str]] = field(default_factory=list)
    #: content types the index tells apart (data-pagefind-filter="type:...")
    types: tuple[str, ...] = ("article", "event", "member", "page")


def language_name(code: str) -> str:
    """A language named in itself ("français", "English"), as language choices are."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    return (name or code)[:1].upper() + (name or code)[1:]


def content_languages(generators: list[Any], default: str) -> list[str]:
    """Languages of everything the generators publish, the site's own first."""
    found = {default}
    for generator in generators:
        for name in ("articles", "translations", "pages", "items"):
            for obj in getattr(generator, name, None) or []:
                if getattr(obj, "lang", None):
                    found.add(str(obj.lang))
    return [default, *sorted(found - {default})]


class SearchPageGenerator(StandalonePagesGenerator):
    """``/search/``: the search form and its results, filled in by search.js."""

    pages = (("agora/search", "search"),)


def publish_search(generators: list[Any]) -> None:
    """``all_generators_finalized``: ``hub.search``; a missing binary is one warning, reported
    before build.json is written."""
    settings = generators[0].settings if generators else None
    state = build_state(settings)
    if settings is None or state is None:
        return
    found = pagefind_binary()
    state.memo[_BINARY] = found
    languages = content_languages(generators, state.urls.default_lang)
    state.hub.search = SearchView(state.urls.url("search_index"), found is not None,
                                  [(code, language_name(code)) for code in languages])
    if found is not None:
        prepare_staging(settings, state)
    else:
        report(settings, problem("pyproject.toml", "pagefind", "expected the Pagefind binary "
                                 "(pip install 'pagefind[bin]') to index the site for search",
                                 found_text="none: the site is built without a search index",
                                 severity="warning"))


def prepare_staging(settings: Mapping[str, Any], state: Any) -> None:
    """A folder under the cache for the pages to index, linked there as they are written."""
    try:
        cache = Path(settings["CACHE_PATH"])
        cache.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="search-", dir=cache))
    except OSError:
        return  # Pagefind reads the pages from the output
    state.memo[_STAGING] = (Path(settings["OUTPUT_PATH"]), folder)


def stage_page(path: str, html: str = "", context: Mapping[str, Any] | None = None,
               **_: Any) -> None:
    """``agora.page_written`` (in the process that rendered it): a page to index is linked
    into the staging folder, so that nothing reads every page again at the end."""
    state = build_state(context)
    staging = state.memo.get(_STAGING) if state is not None else None
    if staging is None or INDEXED_TEXT not in html:
        return
    output, folder = staging
    try:
        link_page(Path(path), folder / Path(path).relative_to(output))
    except (OSError, ValueError):
        with contextlib.suppress(OSError):  # Pagefind will read the output itself
            (folder / INCOMPLETE).touch()


def start_indexing(writer: Any) -> None:
    """``agora.pages_written``: Pagefind starts at once, in a thread; the build report
    waits for it. An incremental build indexes again only the shards holding a page
    it wrote, and none when it wrote no page to index."""
    settings = writer.settings
    state = build_state(settings)
    binary = state.memo.get(_BINARY) if state is not None else None
    if state is None or binary is None:
        return
    state.memo[_STARTED] = True
    index = Path(settings["OUTPUT_PATH"]) / index_folder(settings)
    staged = take_staged(state, usable=True)
    plan = current_plan(settings)
    numbers = None
    if plan is not None and plan.mode == "incremental":
        numbers = shards_written(settings, plan.written, index, staged)
        staged = None  # the pages it wrote, not all of them: removed
        if numbers == []:
            logger.info("search: no indexed page changed, the index is kept")
            return
    # the preview server forgets its in-memory edits once the whole index is made again
    state.memo[_INDEXED] = numbers is None
    job = threading.Thread(target=index_pages if numbers is None else index_shards,
                           args=(settings, binary, index, staged if numbers is None else numbers),
                           name="search-index")
    job.start()
    state.background.append(job.join)


def shards_written(settings: Mapping[str, Any], written: Iterable[str], index: Path,
                   staged: Path | None) -> list[int] | None:
    """The shards of the index holding a page an incremental build wrote (``staged``: the
    pages it wrote to index, removed here); None: index every page."""
    if staged is None:
        return None
    try:
        if (staged / INCOMPLETE).exists():
            return None
        indexed = {page.relative_to(staged).as_posix() for page in staged.rglob("*.html")}
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return shards_holding(settings, index, written, indexed)


def shards_holding(settings: Mapping[str, Any], index: Path, written: Iterable[str],
                   indexed: set[str]) -> list[int] | None:
    """The shards of ``index`` to make again after ``written`` pages (file names) were
    written, ``indexed`` of them (relative to the output) to index; None: every page."""
    record = read_record(Path(settings["CACHE_PATH"]), options(settings).search_shard_pages)
    if record is None or not (index / "pagefind-entry.json").is_file():
        return None
    output = Path(settings["OUTPUT_PATH"])
    pages = {Path(os.path.relpath(name, output)).as_posix() for name in written
             if name.endswith(".html")}
    return shards_to_update(record, pages, indexed)


def index_site(pelican: Any) -> None:
    """``finalized``: Pagefind indexes what the build wrote, unless it started already
    (:func:`start_indexing`, when ``agora.render`` writes the pages)."""
    settings = pelican.settings
    state = build_state(settings)
    binary = state.memo.get(_BINARY) if state is not None else None
    if state is None or binary is None or state.memo.get(_STARTED):
        return
    take_staged(state, usable=False)
    index = index_to_make(settings, state)
    if index is not None:
        index_pages(settings, binary, index, None)


def take_staged(state: Any, usable: bool) -> Path | None:
    """The folder this build linked its pages to index into (removed when not ``usable``)."""
    staging = state.memo.pop(_STAGING, None)
    if staging is None:
        return None
    if not usable:
        shutil.rmtree(staging[1], ignore_errors=True)
        return None
    return Path(staging[1])


def index_to_make(settings: Mapping[str, Any], state: Any) -> Path | None:
    """The index folder when this build must make the index again; None when the
    previous index still describes the output."""
    index = Path(settings["OUTPUT_PATH"]) / index_folder(settings)
    if index_is_current(settings, index):
        logger.info("search: no page changed, the index is kept")
        return None
    state.memo[_INDEXED] = True
    return index


def indexed_by_last_build(settings: Mapping[str, Any]) -> bool:
    """Whether the last build made the whole search index again (rather than keep it or
    make some of its shards again)."""
    state = build_state(settings)
    return bool(state is not None and state.memo.get(_INDEXED))


def refresh_index(settings: Mapping[str, Any], written: Collection[str] | None = None
                  ) -> None:
    """Index the output as it is now, outside a build (the preview server, after pages
    were rewritten in memory): the shards holding the ``written`` pages (file names),
    or every page; nothing without the binary or ``agora.search``."""
    binary = pagefind_binary()
    if binary is None or not CAPABILITY.active(settings) or build_state(settings) is None:
        return
    index = Path(settings["OUTPUT_PATH"]) / index_folder(settings)
    numbers = None if written is None else shards_holding(
        settings, index, written, marked_pages(Path(settings["OUTPUT_PATH"]), written))
    if numbers is None:
        index_pages(settings, binary, index, None)
    elif numbers:
        index_shards(settings, binary, index, numbers)


def marked_pages(output: Path, written: Iterable[str]) -> set[str]:
    """Those of the ``written`` pages (file names) marked to be indexed, relative to
    ``output``."""
    marked = set()
    for name in written:
        page = Path(name)
        with contextlib.suppress(OSError):
            if page.suffix == ".html" and INDEXED_MARK in page.read_bytes():
                marked.add(Path(os.path.relpath(page, output)).as_posix())
    return marked


def index_pages(settings: Mapping[str, Any], binary: str, index: Path,
                staged: Path | None) -> None:
    """Pagefind writes the index of the output's marked pages (``staged``: already linked
    there) into ``index``, in shards of at most ``AGORA_SEARCH_SHARD_PAGES`` pages;
    whatever fails is one warning."""
    cache = Path(settings["CACHE_PATH"])
    most = options(settings).search_shard_pages
    forget_record(cache)
    try:
        # Pagefind adds files named after hashes and never removes the previous build's
        shutil.rmtree(index, ignore_errors=True)
        with pages_to_index(Path(settings["OUTPUT_PATH"]), cache, staged) as site, \
                shard_folders(site, cache, most) as shards:
            for number, shard in enumerate(shards, 1):
                if not run_pagefind(settings, pagefind_command(
                        settings, binary, shard.folder, index / shard_path(number))):
                    return
            write_shard_list(index, len(shards))
            write_record(cache, most, [shard.pages for shard in shards])
    except Exception as exc:  # a background thread: nothing else would report it
        pagefind_failed(settings, repr(exc))


def index_shards(settings: Mapping[str, Any], binary: str, index: Path,
                 numbers: list[int]) -> None:
    """Pagefind indexes again shards ``numbers`` of ``index`` from the output, each into a
    folder of its own that then replaces the shard; a failure leaves the shard as it
    was, and the next build indexes every page."""
    cache = Path(settings["CACHE_PATH"])
    record = read_record(cache, options(settings).search_shard_pages) or []
    try:
        for number in numbers:
            with tempfile.TemporaryDirectory(prefix="search-shard-", dir=cache) as holder:
                site, fresh = Path(holder) / "site", Path(holder) / "index"
                link_pages(Path(settings["OUTPUT_PATH"]), record[number - 1], site)
                if not run_pagefind(settings, pagefind_command(settings, binary, site, fresh)):
                    forget_record(cache)
                    return
                install_shard(index, number, fresh)
    except Exception as exc:  # a background thread: nothing else would report it
        forget_record(cache)
        pagefind_failed(settings, repr(exc))


def pagefind_command(settings: Mapping[str, Any], binary: str, site: Path,
                     bundle: Path) -> list[str]:
    """Pagefind indexing the pages under ``site`` into ``bundle``, every page in the
    site's language (one index for all: the language filter offers them all)."""
    return [binary, "--site", str(site), "--output-path", str(bundle.resolve()),
            "--force-language", str(settings.get("DEFAULT_LANG") or "en"), "--silent"]


@contextmanager
def pages_to_index(output: Path, cache: Path, staged: Path | None) -> Iterator[Path]:
    """The folder Pagefind reads: ``staged`` when pages were linked there as they were
    written, else :func:`staged_pages`; ``staged`` is removed afterwards."""
    try:
        if (staged is not None and not (staged / INCOMPLETE).exists()
                and next(staged.rglob("*.html"), None) is not None):
            yield staged
            return
        with staged_pages(output, cache) as site:
            yield site
    finally:
        if staged is not None:
            shutil.rmtree(staged, ignore_errors=True)


@contextmanager
def staged_pages(output: Path, cache: Path) -> Iterator[Path]:
    """The folder Pagefind reads: the indexed pages alone, staged under ``cache``; the
    output itself when none is marked or the cache folder cannot be written."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        staging = tempfile.TemporaryDirectory(prefix="search-", dir=cache)
    except OSError:
        yield output
        return
    with staging as folder:
        try:
            staged = stage_indexed_pages(output, Path(folder))
        except OSError:
            staged = 0
        yield Path(folder) if staged else output


def run_pagefind(settings: Mapping[str, Any], command: list[str]) -> bool:
    """Run Pagefind; a failure is one warning (the site is published without search)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pagefind_failed(settings, str(exc))
        return False
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        pagefind_failed(settings, last[0])
        return False
    return True


def pagefind_failed(settings: Mapping[str, Any], found: str) -> None:
    """One warning: the site is published, its search index incomplete or missing."""
    report(settings, problem("pyproject.toml", "pagefind", "expected Pagefind to index the site",
                             found_text=found, severity="warning"))


def stage_indexed_pages(output: Path, staging: Path) -> int:
    """Link (or copy) into ``staging``, at the same paths, the pages the index takes; how many.

    Pagefind parses every HTML file of the folder it is given, then keeps only
    those marked ``data-pagefind-body``; a third of a hub's pages are listings
    it would parse for nothing. When no page is marked (a hub with nothing
    published yet, a theme of its own), Pagefind would index every page: then
    every page but a preview's drafts and scheduled posts is staged.
    """
    marked: list[Path] = []
    unmarked: list[Path] = []
    for page in output.rglob("*.html"):
        data = page.read_bytes()
        if INDEXED_MARK in data:
            marked.append(page)
        elif UNPUBLISHED_MARK not in data:
            unmarked.append(page)
    chosen = marked or unmarked
    for page in chosen:
        link_page(page, staging / page.relative_to(output))
    return len(chosen)


def index_is_current(settings: Mapping[str, Any], index: Path) -> bool:
    """Whether the index in ``index`` still describes the output: an incremental
    build that wrote no HTML (added or removed content makes a full build)."""
    plan = current_plan(settings)
    if plan is None or plan.mode != "incremental":
        return False
    if any(name.endswith(".html") for name in plan.written):
        return False
    return (index / "pagefind-entry.json").is_file()


def index_folder(settings: Mapping[str, Any]) -> str:
    """Where the index goes, relative to the output folder (``pagefind``)."""
    state = build_state(settings)
    if state is None:
        return "pagefind"
    return state.urls.url("search_index").strip("/") or "pagefind"


def get_generators(pelican: Any) -> type:
    return SearchPageGenerator


CAPABILITY = Capability(
    "agora.search",
    receivers=((signals.get_generators, get_generators),
               (signals.all_generators_finalized, publish_search),
               (page_written, stage_page),
               (pages_written, start_indexing),
               (signals.finalized, index_site)),
)


def register() -> None:
    CAPABILITY.register()
