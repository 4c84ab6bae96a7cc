"""Parse content files in worker processes, into Pelican's reader cache, before Pelican reads.

Why: reading and parsing Markdown is about two thirds of a cold build, and
Pelican reads one file after the other on one core. A 2,000-article hub on a
two-core CI runner would leave half the machine idle for most of the build.

How: Pelican reads every file through ``Readers.read_file``, which first asks
the reader cache (by path, checked against the file's modification time) and
only parses on a miss. Just before the first file is read (the first
``article_generator_preread`` of a run, when every generator exists), this
plugin lists the files each generator will read, has those the cache does
not hold parsed by a pool of forked worker processes -- each runs the very
reader object the generator would use, so the result is the same -- and puts
the results into that generator's reader cache. Pelican then takes them from
the cache, exactly as in a warm build; with ``CACHE_CONTENT`` they are saved
for the next build too.

Reading stays serial for a file whose reading logs a warning or an error, or
notes a problem, in the worker: the normal read then reports it once, in the
build's own log and problem list. It also stays serial for small batches,
and where ``fork`` is not available (the workers inherit the loaded plugins,
settings and readers; they are not re-created).

``AGORA_READ_WORKERS``: 0 picks the number of usable CPUs (at most 4), 1 keeps
Pelican's serial reading.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from multiprocessing.connection import Connection
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import _filter_discardable_metadata
from pelican.urlwrappers import URLWrapper
from pelican.utils import file_suffix

from agora.capability import Capability
from agora.forks import auto_workers, can_fork, fan_out, send_all
from agora.settings import options
from agora.state import build_state

logger = logging.getLogger(__name__)

GENERATORS_KEY = "prefetch_generators"
DONE_KEY = "prefetch_done"
#: Below this many files to parse, starting workers costs more than it saves.
MIN_FILES = 64

Job = tuple[int, str, str]  # (generator index, reader format, absolute path)


def worker_count(settings: Mapping[str, Any]) -> int:
    """How many processes parse (1: serial, as Pelican does)."""
    return auto_workers(options(settings).read_workers)


def source_settings(generator: Any) -> tuple[str, str] | None:
    """The settings naming the folders a generator reads (None: it reads no content)."""
    if isinstance(generator, ArticlesGenerator):
        return "ARTICLE_PATHS", "ARTICLE_EXCLUDES"
    if isinstance(generator, PagesGenerator):
        return "PAGE_PATHS", "PAGE_EXCLUDES"
    paths = getattr(generator, "paths_setting", None)
    if paths and hasattr(generator, "readers"):
        return paths, getattr(generator, "excludes_setting", "")
    return None


def pending_jobs(generators: list[Any]) -> list[Job]:
    """Files some generator will read and its reader cache does not hold (yet)."""
    jobs: list[Job] = []
    seen: set[str] = set()
    for index, generator in enumerate(generators):
        names = source_settings(generator)
        if names is None:
            continue
        paths, excludes = names
        readers = generator.readers
        for relative in generator.get_files(generator.settings.get(paths, []),
                                            exclude=generator.settings.get(excludes, [])):
            path = os.path.abspath(os.path.join(generator.path, relative))
            fmt = file_suffix(path)
            if path in seen or fmt not in readers.readers:
                continue
            seen.add(path)
            if readers.get_cached_data(path, None) is None:
                jobs.append((index, fmt, path))
    return jobs


# --- what travels between processes -----------------------------------------------------

def portable(value: Any) -> Any:
    """Tags, categories and authors without their settings (pickled once per file otherwise)."""
    if isinstance(value, URLWrapper):
        return ("__agora_urlwrapper__", type(value), value.name)
    if isinstance(value, list):
        return [portable(item) for item in value]
    return value


def restored(value: Any, settings: Mapping[str, Any]) -> Any:
    if isinstance(value, tuple) and len(value) == 3 and value[0] == "__agora_urlwrapper__":
        return value[1](value[2], settings)
    if isinstance(value, list):
        return [restored(item, settings) for item in value]
    return value


def _parse(generators: list[Any], flagged: list[logging.LogRecord],
           job: Job) -> tuple[str, Any, Any] | None:
    """Parse one file in a worker; None leaves it to the normal, serial read."""
    index, fmt, path = job
    generator = generators[index]
    state = build_state(generator.settings)
    noted = len(state.problems.problems) if state is not None else 0
    flagged.clear()
    try:
        content, metadata = generator.readers.readers[fmt].read(path)
    except Exception:  # the serial read raises it again, and reports it properly
        return None
    if flagged or (state is not None and len(state.problems.problems) != noted):
        return None
    metadata = _filter_discardable_metadata(metadata)
    return path, content, {key: portable(value) for key, value in metadata.items()}


def _work(generators: list[Any], jobs: list[Job], connection: Connection) -> None:
    """A forked worker: parse ``jobs`` with the inherited readers, send each result."""
    flagged: list[logging.LogRecord] = []

    class Flag(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            flagged.append(record)

    # Nothing a worker logs is printed (the serial read will log it again), but
    # anything it would have logged sends that file back to the serial read.
    logging.getLogger().handlers = [Flag(level=logging.WARNING)]
    send_all(connection, (_parse(generators, flagged, job) for job in jobs))


def prefetch(generators: list[Any], workers: int) -> int:
    """Parse the pending files of ``generators`` with ``workers`` processes; return how many."""
    jobs = pending_jobs(generators)
    if workers < 2 or len(jobs) < MIN_FILES or not can_fork():
        return 0
    by_path = {path: generators[index] for index, _, path in jobs}
    stored = 0

    def store(result: Any) -> None:
        nonlocal stored
        if result is None:  # a file the serial read must report on
            return
        path, content, metadata = result
        readers = by_path[path].readers
        metadata = {k: restored(v, readers.settings) for k, v in metadata.items()}
        # what Readers.read_file would have cached after parsing the file itself
        readers._cache[path] = (readers._get_file_stamp(path), (content, metadata))
        stored += 1

    # fork: the generators are inherited, not pickled
    shares = [(generators, jobs[number::workers]) for number in range(workers)]
    fan_out(_work, shares, store, "parallel reading")
    return stored


# --- signal receivers -------------------------------------------------------------------

def remember_generator(generator: Any) -> None:
    """``generator_init``: collect this run's generators (the memo is per run)."""
    state = build_state(generator.settings)
    if state is not None:
        state.memo.setdefault(GENERATORS_KEY, []).append(generator)


def before_first_read(sender: Any) -> None:
    """``article_generator_preread``: every generator exists, nothing is read yet."""
    state = build_state(sender.settings)
    if state is None or state.memo.get(DONE_KEY):
        return
    state.memo[DONE_KEY] = True
    generators: Iterable[Any] = state.memo.get(GENERATORS_KEY, [])
    workers = worker_count(sender.settings)
    stored = prefetch(list(generators), workers)
    if stored:
        logger.info("read %d files with %d worker processes", stored, workers)
    state.report["parallel_reading"] = {"workers": workers if stored else 1, "files": stored}


CAPABILITY = Capability(
    "agora.prefetch",
    receivers=((signals.generator_init, remember_generator),
               (signals.article_generator_preread, before_first_read)),
)


def register() -> None:
    CAPABILITY.register()
