"""Render and write pages on every core, once the context is complete.

Why: once every generator has read its content, rendering templates and
writing files is a third of a cold build, and Pelican does it on one core.

How: Agora's writer (:class:`AgoraWriter`, used by every Agora build) turns
each ``write_file`` call into the pages it writes -- Pelican's pagination, the
same local context -- and claims each output file in call order (Pelican's
"already written" and ``override_output`` rules, the incremental plan's list
of written files). Serially (``AGORA_RENDER_WORKERS = 1``, no ``fork``, or a
small batch) each page is rendered at once, exactly as Pelican would. With
several workers the pages are only collected; after the last generator's
``generate_output`` (the static files: nothing after it renders a page) the
parent forks workers, which inherit the templates, the context and every
content object (no pickling), and each renders and writes its share.

What a forked worker cannot do is change the parent: so what rendering a page
leaves behind travels back, page by page, and the parent replays it in the
order a serial build has: the log records (through the parent's loggers, so
Pelican's de-duplication and Agora's build report see them once), Agora's
problems and next changes, the forum avatars a page published, then the
``Writing`` line and Pelican's ``content_written`` signal (sent only when
something listens, after the file exists). Feeds and calendars
(:func:`write_data`) are made and written by the workers too, in their turn
among the pages; avatars and static files are written by the parent while
the pages are collected, in their usual order. The parent keeps the shared
context's ``localsiteurl`` as each page would have left it, since Pelican lets
the last rendered page's value leak into what is written next. A page whose
worker died is rendered by the parent; an exception a page raised is raised
again by the parent at that page's turn.

Two signals of Agora's own tell other capabilities what was written:
``agora.page_written`` in whichever process wrote a page (its path and HTML: the
search capability links the pages to index there, in the workers), and
``agora.pages_written`` in the parent once every page is written (Pagefind
starts then, before the ``finalized`` receivers).

``AGORA_RENDER_WORKERS``: 0 picks the number of usable CPUs (at most 4), 1
renders serially.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from multiprocessing.connection import Connection
from typing import Any

from blinker import signal
from jinja2.bccache import Bucket, BytecodeCache
from pelican import signals
from pelican.contents import Content, Static
from pelican.log import FilteredMessage, LimitLogger
from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from agora.capability import Capability
from agora.content.pairing import shared_url
from agora.core.pages import listing_name
from agora.forks import auto_workers, can_fork, fan_out, send_all
from agora.incremental import current_plan
from agora.settings import options
from agora.state import TEMPLATE_ATTRIBUTE, build_state, report

logger = logging.getLogger(__name__)
writing_logger = logging.getLogger("pelican.writers")

#: Below this many pages, forking costs more than it saves.
MIN_PAGES = 48
BYTECODE_KEY = "_AGORA_TEMPLATES"
WRITER_KEY = "render_writer"
#: Set by the preview server: the writer remembers each source's pages (agora.serve).
PREVIEW_KEY = "_AGORA_PREVIEW"

#: A page's file is written, in whichever process rendered it (a worker: what a receiver
#: changes there stays there): sender the path, ``html=`` the page, ``context=``.
page_written = signal("agora.page_written")
#: Every page of the build is written (in the parent, before ``finalized``): sender the
#: writer. What reads the written site can start here.
pages_written = signal("agora.pages_written")


def worker_count(settings: Mapping[str, Any]) -> int:
    """How many processes render (1: serial, as Pelican does)."""
    return auto_workers(options(settings).render_workers)


# --- one page ---------------------------------------------------------------------------

@dataclass
class PageJob:
    """One file a ``write_file`` call writes: what Pelican's ``_write_file`` receives."""

    save_as: str
    output: str  # where the page belongs
    path: str  # the file written: ``output``, or os.devnull when Pelican would not overwrite
    template: Any
    context: dict[str, Any]
    variables: dict[str, Any]
    relative_urls: bool
    siteurl_before: Any = None  # the shared ``localsiteurl`` a serial build renders it with

    def local_context(self) -> dict[str, Any]:
        """Pelican's ``_get_localcontext``: the shared context, then the page's own values."""
        local = self.context.copy()
        local["localsiteurl"] = local.get("localsiteurl", None)
        if self.relative_urls:
            relative = path_to_url(get_relative_path(self.save_as))
            local["SITEURL"] = relative
            local["localsiteurl"] = relative
        local["output_file"] = self.save_as
        local.update(self.variables)
        return local

    def leave_siteurl(self) -> None:
        """What rendering this page leaves in the shared context (Pelican's ``_write_file``)."""
        siteurl = (path_to_url(get_relative_path(self.save_as)) if self.relative_urls
                   else self.context.get("localsiteurl"))
        if siteurl:
            self.context["localsiteurl"] = siteurl

    def render(self) -> dict[str, Any]:
        self.context["localsiteurl"] = self.siteurl_before
        local = self.local_context()
        self.leave_siteurl()
        output = self.template.render(local)
        os.makedirs(os.path.dirname(self.output), exist_ok=True)
        with open(self.path, "w", encoding="utf-8") as handle:
            handle.write(output)
        if page_written.receivers and self.path != os.devnull:
            page_written.send(self.path, html=output, context=local)
        return local


@dataclass
class FileJob:
    """A file a generator makes itself (a feed, a calendar): its bytes are made where it
    is written, which in a parallel build is a render worker."""

    path: str
    make: Callable[[], bytes]

    def local_context(self) -> dict[str, Any]:
        return {}

    def render(self) -> dict[str, Any]:
        data = self.make()
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with open(self.path, "wb") as handle:
            handle.write(data)
        return {}


Job = PageJob | FileJob


def write_data(writer: Any, path: str, make: Callable[[], bytes]) -> None:
    """Write ``make()`` to ``path``: by the render workers when ``writer`` collects pages
    for them, at once otherwise."""
    if isinstance(writer, AgoraWriter):
        writer.write_data(path, make)
    else:
        FileJob(path, make).render()


def expand(settings: Mapping[str, Any], name: str, kwargs: dict[str, Any],
           paginated: Any, template_name: Any, url: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(save_as, page variables) of each file one ``write_file`` call writes.

    Pelican's pagination (``Writer.write_file``): a paginated template writes
    one file per page of its lists, each with the ``<list>_page`` variables.
    """
    if paginated is None:
        paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
    if not (paginated and template_name in settings["PAGINATED_TEMPLATES"]):
        yield name, kwargs
        return
    per_page = (settings["PAGINATED_TEMPLATES"][template_name]
                or settings["DEFAULT_PAGINATION"])
    paginators = {key: Paginator(name, url, val, settings, per_page)
                  for key, val in paginated.items()}
    for number in range(next(iter(paginators.values())).num_pages):
        variables = kwargs.copy()
        page = None
        for key, paginator in paginators.items():
            page = paginator.page(number + 1)
            variables.update({
                f"{key}_paginator": paginator,
                f"{key}_page": page,
                f"{key}_previous_page": paginator.page(number) if number > 0 else None,
                f"{key}_next_page": (paginator.page(number + 2)
                                     if number + 1 < paginator.num_pages else None),
            })
        assert page is not None
        yield page.save_as, variables


def pin_urls(objects: Iterable[Any]) -> None:
    """Once an object's generator is done, its URL is final: compute it once.

    Pelican recomputes ``url`` from the settings and the metadata at every use
    (tens of thousands of times: every listing, link and feed entry).
    ``override_url`` is Pelican's own way to give an object a fixed URL.
    """
    for obj in objects:
        if isinstance(obj, Content) and not isinstance(obj, Static) \
                and not hasattr(obj, "override_url"):
            obj.override_url = obj.url


class Listed(list[Any]):
    """A taxonomy's articles, whose ``in`` is a set lookup.

    For each tag, category and author, Pelican keeps the dated articles that
    are ``in`` its list: a scan of the list per article, quadratic in the
    number of articles (and run for every member-author, whose page Agora does
    not write). Content objects compare by identity, so identities answer alike.
    """

    _index: tuple[int, set[int]] = (-1, set())

    def __contains__(self, item: object) -> bool:
        if self._index[0] != len(self):  # made again if the list grew or shrank
            self._index = (len(self), {id(member) for member in self})
        return id(item) in self._index[1]


def index_taxonomies(generator: Any) -> None:
    """Each tag's, category's and author's list of articles becomes a :class:`Listed`."""
    for tag, articles in list(generator.tags.items()):
        generator.tags[tag] = Listed(articles)
    for pairs in (generator.categories, generator.authors):
        pairs[:] = [(key, Listed(articles)) for key, articles in pairs]


def skip_pageless_authors(generator: Any) -> None:
    """Pelican's author pages, without the authors who have none.

    A member credited in a byline links to the profile and has no author page
    (an empty ``save_as``, which :meth:`AgoraWriter.write_file` skips); Pelican
    still lists each such author's dated articles first, a scan of every
    article per member. Those authors are left out of the loop, nothing else.
    """
    original: Callable[[Any], Any] = generator.generate_authors

    def generate_authors(write: Any) -> None:
        every = generator.authors
        generator.authors = [(author, articles) for author, articles in every
                             if author.save_as]
        try:
            original(write)
        finally:
            generator.authors = every

    generator.generate_authors = generate_authors


def pin_article_urls(generator: Any) -> None:
    """``article_generator_finalized``: articles are scheduled, sorted and classified;
    the feeds, built next, link every one of them."""
    if render_active(generator.settings):
        pin_urls(chain(generator.articles, generator.translations, generator.drafts,
                       generator.drafts_translations, generator.hidden_articles,
                       generator.hidden_translations))
        index_taxonomies(generator)
        skip_pageless_authors(generator)


# --- the writer -------------------------------------------------------------------------

class AgoraWriter(Writer):
    """Pelican's writer, page by page: incremental plans, and rendering on every core."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.workers = worker_count(self.settings) if render_active(self.settings) else 1
        self.pending: list[Job] | None = [] if self.workers > 1 and can_fork() else None
        self.pinned = False
        #: each source's pages, rendered or not, and every page (the preview server
        #: renders them again)
        self.pages_of: dict[str, list[PageJob]] | None = (
            {} if self.settings.get(PREVIEW_KEY) else None)
        self.every_page: list[PageJob] = []
        #: the content object whose own page each output file is (articles, pages, events...)
        self.owners: dict[str, Any] = {}
        state = build_state(self.settings)
        if state is not None:
            state.memo[WRITER_KEY] = self

    def write_file(self, name: Any, template: Any, context: Any, relative_urls: bool = False,
                   paginated: Any = None, template_name: Any = None,
                   override_output: bool = False, url: Any = None, **kwargs: Any) -> None:
        if not name:
            return
        if not self.pinned and render_active(self.settings):
            pin_urls((context.get("generated_content") or {}).values())
            self.pinned = True
        shown = kwargs.pop("agora_renders", None) or ()
        if "url_name" not in kwargs:
            # Pelican's own blog listings: their name in the URL scheme, as in other languages
            kwargs.update(listing_name(template_name, kwargs))
        plan = current_plan(self.settings)
        for save_as, variables in expand(self.settings, name, kwargs, paginated,
                                         template_name, url):
            path = sanitised_join(self.output_path, save_as)
            self.own(path, save_as, variables)
            if self.pages_of is not None:
                self.remember(PageJob(save_as, path, path, template, context, variables,
                                      relative_urls, context.get("localsiteurl")), shown)
            if plan is not None:
                if not plan.must_render(variables, shown, path):
                    plan.report["skipped"] += 1
                    continue
                plan.report["rendered"] += 1
            page = PageJob(save_as, path, self.claim(path, override_output), template, context,
                           variables, relative_urls, context.get("localsiteurl"))
            if self.pending is None:
                finish(page, page.render())
            else:
                page.leave_siteurl()  # what the files written meanwhile would see
                self.pending.append(page)

    def write_data(self, path: str, make: Callable[[], bytes]) -> None:
        """A file a generator makes itself, made and written in its turn among the pages."""
        job = FileJob(path, make)
        if self.pending is None:
            job.render()
        else:
            self.pending.append(job)

    def own(self, path: str, save_as: str, variables: Mapping[str, Any]) -> None:
        """Note whose own page ``path`` is; a second content file there is an error (Pelican
        would write one over the other, or skip one, with no more than an info line)."""
        owner = next((value for value in variables.values()
                      if isinstance(value, Content) and getattr(value, "source_path", None)),
                     None)
        if owner is None:
            return
        previous = self.owners.setdefault(path, owner)
        if previous is not owner and previous.source_path != owner.source_path:
            report(self.settings, shared_url(owner, previous, save_as, self.settings))

    def remember(self, page: PageJob, shown: Any) -> None:
        """Note ``page`` under each source whose body it shows."""
        assert self.pages_of is not None
        self.every_page.append(page)
        sources = {value.source_path for value in page.variables.values()
                   if isinstance(value, Content)}
        sources.update(getattr(obj, "source_path", None) for obj in shown)
        for source in sources:
            if source:
                self.pages_of.setdefault(source, []).append(page)

    def claim(self, filename: str, override: bool = False) -> str:
        """Pelican's ``_open_w`` without opening: the file this write goes to, recorded."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{filename}" a second '
                                               "time (was previously overwritten)")
            writing_logger.info('Skipping "%s", not overwriting', filename)
            filename = os.devnull
        elif filename in self._written_files:
            if not override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" as Pelican has already written to it '
                    "previously (set `override=True` if intended)")
            writing_logger.info('Overwriting "%s"', filename)
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        plan = current_plan(self.settings)
        if plan is not None and filename != os.devnull:
            plan.written.add(filename)
        return filename

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        return open(self.claim(filename, override), "w", encoding=encoding)

    def flush(self) -> None:
        """Render the collected pages (every generator has run)."""
        pages, self.pending = self.pending or [], None
        if not pages:
            return
        workers = min(self.workers, max(1, len(pages) // (MIN_PAGES // 2)))
        outcomes = (render_in_workers(pages, workers, self.settings)
                    if len(pages) >= MIN_PAGES else {})
        rendered = [page for page in pages if isinstance(page, PageJob)]
        state = build_state(self.settings)
        if state is not None:
            state.report["parallel_rendering"] = {
                "workers": workers if outcomes else 1, "pages": len(rendered)}
        for index, page in enumerate(pages):
            outcome = outcomes.get(index)
            if outcome is None:  # serial, or its worker died
                finish(page, page.render())
            else:
                outcome.replay(self.settings, page)
        if rendered:
            rendered[-1].context["localsiteurl"] = rendered[-1].siteurl_before
            rendered[-1].leave_siteurl()


def finish(page: Job, local: dict[str, Any]) -> None:
    """What Pelican does once a page is written: log it, tell plugins."""
    if isinstance(page, FileJob):
        return  # generators' own files: neither logged nor signalled, as when serial
    if page.path != os.devnull:
        writing_logger.info('Writing "%s"', page.path)
    if signals.content_written.receivers:
        signals.content_written.send(page.path, context=local)


# --- worker processes -------------------------------------------------------------------

@dataclass
class Outcome:
    """What rendering one page in a worker left behind, to replay in the parent."""

    records: list[logging.LogRecord] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    changes: list[Any] = field(default_factory=list)
    avatars: set[str] = field(default_factory=set)
    error: BaseException | None = None

    def replay(self, settings: Mapping[str, Any], page: Job) -> None:
        for record in self.records:
            # a record Pelican's limit filter drops raises FilteredMessage (its _log catches it)
            with contextlib.suppress(FilteredMessage):
                logging.getLogger(record.name).handle(record)
        if self.problems:
            report(settings, *self.problems)
        state = build_state(settings)
        if state is not None:
            for moment, reason in self.changes:
                state.change_at(moment, reason)
            forum = state.hub.forum
            if forum is not None and self.avatars:
                forum.used_avatars.update(self.avatars)
        if self.error is not None:
            raise self.error
        finish(page, page.local_context() if signals.content_written.receivers else {})


class Capture(logging.Handler):
    """A worker's only log handler: records go back to the parent, which logs them."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_info = None
        if isinstance(record.msg, str):
            setattr(record, TEMPLATE_ATTRIBUTE, record.msg)
        record.msg, record.args = record.getMessage(), None
        for key in ("limit_args",):
            if key in record.__dict__:
                record.__dict__[key] = tuple(map(str, record.__dict__[key] or ()))
        self.records.append(record)


def _portable(error: BaseException) -> BaseException:
    try:
        pickle.dumps(error)
        return error
    except Exception:
        return RuntimeError("".join(traceback.format_exception(error)))


def _render_one(page: Job, settings: Mapping[str, Any], capture: Capture) -> Outcome:
    state = build_state(settings)
    forum = state.hub.forum if state is not None else None
    problems = len(state.problems.problems) if state is not None else 0
    changes = len(state.next_changes) if state is not None else 0
    avatars = set(forum.used_avatars) if forum is not None else set()
    capture.records = []
    outcome = Outcome()
    try:
        page.render()
    except Exception as exc:  # raised again by the parent, at this page's turn
        outcome.error = _portable(exc)
    outcome.records = capture.records
    if state is not None:
        outcome.problems = state.problems.problems[problems:]
        outcome.changes = state.next_changes[changes:]
    if forum is not None:
        outcome.avatars = forum.used_avatars - avatars
    return outcome


def _work(pages: list[Job], indexes: range, settings: Mapping[str, Any],
          connection: Connection) -> None:
    """A forked worker: render its share of the pages, send back what each left behind."""
    capture = Capture()
    logging.getLogger().handlers = [capture]
    # The parent de-duplicates when it replays the records; doing it here too would
    # drop a message the parent has not seen.
    LimitLogger.limit_filter.filter = lambda record: True
    send_all(connection, ((index, _render_one(pages[index], settings, capture))
                          for index in indexes))


def render_in_workers(pages: list[Job], workers: int,
                      settings: Mapping[str, Any]) -> dict[int, Outcome]:
    """Render ``pages`` in ``workers`` forked processes; the outcome of each page rendered.

    A page without an outcome (its worker died) is for the parent to render.
    """
    if workers < 2:
        return {}
    outcomes: dict[int, Outcome] = {}

    def receive(message: tuple[int, Outcome]) -> None:
        index, outcome = message
        outcomes[index] = outcome

    shares = [(pages, range(number, len(pages), workers), settings) for number in range(workers)]
    gc.collect()
    gc.freeze()  # objects the workers only read stay shared (no reference-count writes)
    try:
        fan_out(_work, shares, receive, "parallel rendering")
    finally:
        gc.unfreeze()
    return outcomes


# --- templates compiled once per build ---------------------------------------------------

class SharedBytecode(BytecodeCache):
    """Compiled templates shared by the Jinja environments of one Pelican object.

    Pelican gives every generator its own environment, and every run (a
    preview rebuilds again and again) new ones, so each compiled the same
    templates again (some 80 compilations, a second or two per build). The
    environments of one Pelican object have the same options; a template's
    code is reused only for the same name and the same source (Jinja checks
    its checksum), so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (SharedBytecode, ())  # content objects pickled with the settings: not this

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


def share_templates(generator: Any) -> None:
    """``generator_init``: the environments share their compiled templates."""
    env = getattr(generator, "env", None)
    if env is None or env.bytecode_cache is not None:
        return
    # in the settings, not the run's memo: kept by the Pelican object between runs
    env.bytecode_cache = generator.settings.setdefault(BYTECODE_KEY, SharedBytecode())


# --- signal receivers -------------------------------------------------------------------

def render_active(settings: Mapping[str, Any]) -> bool:
    return CAPABILITY.active(settings)


def render_after_last_generator(generators: list[Any]) -> None:
    """``all_generators_finalized``: the collected pages are rendered after the last
    generator (Pelican's static files, always last) has written its files."""
    if not generators:
        return
    last = generators[-1]
    original: Callable[[Any], Any] = last.generate_output

    def generate_output(writer: Any) -> None:
        original(writer)
        if isinstance(writer, AgoraWriter):
            writer.flush()
        pages_written.send(writer)

    last.generate_output = generate_output


def get_writer(pelican: Any) -> type[Writer]:
    return AgoraWriter


# --- the garbage collector ----------------------------------------------------------------

def settle_objects(sender: Any) -> None:
    """Content read, context built: what exists now lives until the build ends.

    Each full collection walks every object, and the full collections a build
    triggers grow with the heap: at 8,000 articles they took 4 % of a build,
    walking the same articles again and again. Frozen objects are left out of
    collections (rendering makes garbage of its own, collected as usual) until
    the build is over.
    """
    gc.freeze()


def release_objects(sender: Any) -> None:
    """``finalized``, and the start of every run: collections see everything again."""
    gc.unfreeze()


CAPABILITY = Capability(
    "agora.render",
    receivers=((signals.generator_init, share_templates),
               (signals.get_generators, release_objects),
               (signals.article_generator_finalized, pin_article_urls),
               (signals.article_generator_finalized, settle_objects),
               (signals.all_generators_finalized, render_after_last_generator),
               (signals.all_generators_finalized, settle_objects),
               (signals.finalized, release_objects),
               (signals.get_writer, get_writer)),
)


def register() -> None:
    CAPABILITY.register()


__all__ = ["AgoraWriter", "FileJob", "PageJob", "expand", "pin_urls", "register",
           "render_in_workers", "write_data"]
