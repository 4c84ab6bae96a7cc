"""A big hub's search index in shards: how pages are dealt out, where each shard
goes, and which shards a preview build must make again.

The first shard is the index folder itself (``/pagefind/``); shard N is
``/pagefind/shard-N/``; ``/pagefind/shards.json`` lists the others for
search.js, which merges them with Pagefind's ``mergeIndex``. The cache keeps
which pages each shard holds (``search-shards.json``), so that an incremental
preview build indexes again only the shards holding a page it wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: In the index folder: the shards search.js merges (``{"shards": ["shard-2/", ...]}``).
SHARD_LIST = "shards.json"
#: In the cache: the pages of each shard of the index in the output.
RECORD = "search-shards.json"
#: Files of a Pagefind bundle that a merged shard does not use: the first shard's
#: script, styles and WebAssembly do the searching.
UNUSED_IN_SHARDS = ("pagefind*.js", "pagefind*.css", "wasm.*.pagefind")


@dataclass(frozen=True)
class Shard:
    folder: Path  # what Pagefind reads
    pages: list[str]  # paths of the pages in it, relative to the site


def shard_path(number: int) -> str:
    """Where shard ``number`` goes in the index folder: the first is the index itself."""
    return "" if number == 1 else f"shard-{number}/"


def deal(pages: list[str], most: int) -> list[list[str]]:
    """``pages`` dealt out in turn into as few shards of at most ``most`` as will do.

    In turn (the 1st, 4th, 7th... to the first of three shards), so that every
    shard is a sample of the whole hub and the scores Pagefind gives in each
    compare when the browser merges the results.
    """
    count = max(1, -(-len(pages) // most))
    return [pages[number::count] for number in range(count)]


@contextmanager
def shard_folders(site: Path, cache: Path, most: int) -> Iterator[list[Shard]]:
    """The folders Pagefind indexes one after another: ``site`` alone when it has at most
    ``most`` pages, else shards of it linked under ``cache``, removed afterwards."""
    pages = sorted(page.relative_to(site).as_posix() for page in site.rglob("*.html"))
    dealt = deal(pages, most)
    if len(dealt) == 1:
        yield [Shard(site, pages)]
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        holder = tempfile.TemporaryDirectory(prefix="search-shards-", dir=cache)
    except OSError:
        yield [Shard(site, pages)]  # one index: more memory, the same results
        return
    with holder as root:
        shards = [Shard(Path(root) / str(number), share)
                  for number, share in enumerate(dealt, 1)]
        for shard in shards:
            link_pages(site, shard.pages, shard.folder)
        yield shards


def link_pages(site: Path, pages: list[str], folder: Path) -> None:
    """Each of ``pages`` (relative to ``site``) at the same path in ``folder``."""
    for page in pages:
        link_page(site / page, folder / page)


def link_page(page: Path, target: Path) -> None:
    """``page`` at ``target`` too: a hard link (a copy on another file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(page, target)
    except FileExistsError:
        pass  # written twice: the link is to the same file
    except OSError:  # another file system
        shutil.copyfile(page, target)


def write_shard_list(index: Path, count: int) -> None:
    """``shards.json`` in the index: the folders search.js merges into the first shard's
    results (none when the index is whole)."""
    folders = [shard_path(number) for number in range(2, count + 1)]
    for folder in folders:
        remove_unused(index / folder)
    (index / SHARD_LIST).write_text(json.dumps({"shards": folders}) + "\n", encoding="utf-8")


def remove_unused(shard: Path) -> None:
    for pattern in UNUSED_IN_SHARDS:
        for unused in shard.glob(pattern):
            unused.unlink()


def install_shard(index: Path, number: int, fresh: Path) -> None:
    """The Pagefind bundle in ``fresh`` replaces shard ``number`` of ``index``: Pagefind
    names its files after hashes, so the shard's previous files go first."""
    if number == 1:
        for old in index.iterdir():
            if old.name.startswith("shard-") or old.name == SHARD_LIST:
                continue
            shutil.rmtree(old) if old.is_dir() else old.unlink()
        for new in fresh.iterdir():
            shutil.move(str(new), str(index / new.name))
        return
    remove_unused(fresh)
    target = index / shard_path(number)
    shutil.rmtree(target, ignore_errors=True)
    shutil.move(str(fresh), str(target))


def write_record(cache: Path, most: int, shards: list[list[str]]) -> None:
    """Keep which pages each shard of the index holds, for the next preview build."""
    cache.mkdir(parents=True, exist_ok=True)
    temporary = cache / (RECORD + ".tmp")
    temporary.write_text(json.dumps({"most": most, "shards": shards}), encoding="utf-8")
    temporary.replace(cache / RECORD)


def read_record(cache: Path, most: int) -> list[list[str]] | None:
    """The pages of each shard of the index, as the last whole indexing dealt them; None
    when unknown or dealt for another shard size."""
    try:
        record = json.loads((cache / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("most") != most:
        return None
    shards = record.get("shards")
    return shards if isinstance(shards, list) else None


def forget_record(cache: Path) -> None:
    """The index no longer matches a record: the next build indexes every page."""
    (cache / RECORD).unlink(missing_ok=True)


def shards_to_update(record: list[list[str]], written: set[str],
                     indexed: set[str]) -> list[int] | None:
    """The shards (numbered from 1) holding a page this build wrote and indexes, ``[]``
    when none does; None when only a whole index will do: a page to index that no
    shard holds, or a page a shard holds written without the mark of a page to index.

    ``written``: every HTML page written, ``indexed``: those of them to index, both
    relative to the output folder.
    """
    where = {page: number for number, pages in enumerate(record, 1) for page in pages}
    if not indexed <= where.keys():
        return None
    if any(page in where and page not in indexed for page in written):
        return None
    return sorted({where[page] for page in indexed})
