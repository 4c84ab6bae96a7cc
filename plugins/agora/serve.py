"""``agora serve``: a preview server that keeps the hub in memory and reloads the browser.

Why: ``pelican --autoreload`` (and a new ``make html``) starts over for each
edit: a new process imports everything, unpickles every article, compiles
the templates and walks every generator to re-render one page. Editors wait
for previews; a preview should follow their typing.

How: one long-lived process holds one ``Pelican`` object, its plugins, the
content objects, context and pages of its last build and the compiled
templates. It watches the content, the theme, the forum snapshot and the
settings file (watchfiles). The commonest edits are applied in memory (below);
after any other change it runs the build again in the same process, where:

- only changed files are parsed again (Pelican's content cache checks each
  file's modification time; the others are taken from it as parsed before);
- only the pages the change affects are rendered (:mod:`agora.incremental`
  decides: a body re-renders its page, a title its page and the listings
  showing it); anything the rules cannot tell (settings, theme, a new or
  deleted file, the forum snapshot...) renders every page, on every core;
- a deleted file rebuilds into an emptied output folder, so no page of it
  stays behind; the settings file read again starts a new ``Pelican`` object.

The commonest edits, an article's text or title, do not even run the build
again: the article is parsed again with its generator's reader, and when
nothing but its body and title changed (the same other metadata and summary:
what the incremental rules call a body or title edit), the new body and title
go into the object the previous build holds, its pages and those whose
previous output shows its old title or links to it are rendered again from
what the writer remembered (``agora.render``), and the feeds carrying it get
its new entry. Those are the files that show an
article's body (a page showing other articles' bodies passes them to
``write_file`` as ``agora_renders``, see :mod:`agora.incremental`); a plugin
that writes an article's body into a file of its own must have it rewritten
here too. Any other change, or anything unexpected on the way (a problem
reported, a page written twice), takes the build path above.

The search index is not made again after an in-memory edit (Pagefind takes
seconds on a big hub, and editing must not wait for it): the first request
for a file of the index afterwards (a search) makes again the shards holding
the pages rewritten, then is served.

The output folder is exactly what a cold build writes. The live-reload script
is not in it: the HTTP server adds ``<script src="/__agora/reload.js">`` to
each HTML page it sends, and the script reloads the page when the server
announces a build on ``/__agora/events`` (Server-Sent Events).

A build that fails (a template error, an invalid setting) or finds content
errors is reported on the console and to the browser (the page stays as it
was: the last good output keeps being served); the next change builds again.
Drafts and future content are previewed as the settings say (``pelicanconf``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from agora import search
from agora.command import load_settings
from agora.incremental import listing_fingerprint, needles
from agora.prefetch import GENERATORS_KEY
from agora.render import PREVIEW_KEY, WRITER_KEY, AgoraWriter, PageJob, finish
from agora.settings import forum_snapshot_path
from agora.state import build_state

logger = logging.getLogger(__name__)

EVENTS_PATH = "/__agora/events"
SCRIPT_PATH = "/__agora/reload.js"
SCRIPT_TAG = f'<script src="{SCRIPT_PATH}"></script>'.encode()
SCRIPT = (
    "// Agora preview: reload this page when the preview server has built again.\n"
    "(() => {\n"
    f'  const events = new EventSource("{EVENTS_PATH}");\n'
    '  events.addEventListener("reload", () => window.location.reload());\n'
    '  events.addEventListener("problems", (event) => console.warn(\n'
    '    "Agora preview: the last build found problems", JSON.parse(event.data)));\n'
    "})();\n"
)
KEEPALIVE_S = 15.0


# --- what a build did ---------------------------------------------------------------------

@dataclass
class Outcome:
    """One build of the preview: how it went, what it found, what it rendered."""

    number: int
    ok: bool
    seconds: float
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)
    failure: str = ""

    @property
    def event(self) -> str:
        return "reload" if self.ok and not self.errors else "problems"

    def as_dict(self) -> dict[str, Any]:
        return {"build": self.number, "ok": self.ok, "seconds": round(self.seconds, 3),
                "errors": self.errors, "warnings": self.warnings, "plan": self.plan,
                "failure": self.failure}

    def summary(self) -> str:
        if not self.ok:
            return f"build {self.number} failed ({self.seconds:.2f} s): {self.failure}"
        how = self.plan.get("mode", "full")
        rendered = self.plan.get("rendered")
        pages = f", {rendered} page(s) rendered" if rendered is not None else ""
        why = f" ({self.plan['reason']})" if self.plan.get("reason") else ""
        found = (f"; {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
                 if self.errors or self.warnings else "")
        return f"build {self.number}: {how}{why}{pages} in {self.seconds:.2f} s{found}"


class Announcer:
    """The latest build, for every browser waiting on ``/__agora/events``."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.latest: Outcome | None = None
        self.closed = False

    def announce(self, outcome: Outcome) -> None:
        with self.changed:
            self.latest = outcome
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def after(self, seen: int, timeout: float) -> Outcome | None:
        """The first build after build number ``seen`` (None on timeout or when closed)."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or (
                self.latest is not None and self.latest.number > seen), timeout)
            latest = self.latest
            return latest if latest is not None and latest.number > seen else None


# --- the hub in memory ---------------------------------------------------------------------

class Preview:
    """One ``Pelican`` object kept between builds, built again after each change."""

    def __init__(self, settings_file: str, **override: Any) -> None:
        self.settings_file = str(Path(settings_file).resolve())
        self.override = override
        self.builds = 0
        self.pelican: Any = None
        #: held by a build and by a search refresh: the HTTP threads never see one half done
        self.lock = threading.RLock()
        #: pages rewritten in memory since the search index was last made
        self.unindexed: set[str] = set()
        self.load()

    def load(self) -> None:
        """Read the settings (again) and start from a new ``Pelican`` object."""
        from pelican import Pelican  # noqa: PLC0415 - keep `agora --help` fast

        self.settings = load_settings(self.settings_file, **{**self.override, PREVIEW_KEY: True})
        self.pelican = Pelican(self.settings)
        self.last: Outcome | None = None

    @property
    def output(self) -> Path:
        return Path(self.settings["OUTPUT_PATH"])

    def watched(self) -> list[Path]:
        """The content, templates, forum snapshot and settings file: what a page shows."""
        settings = self.settings
        folders = [settings["PATH"], settings.get("THEME"),
                   *(settings.get("THEME_TEMPLATES_OVERRIDES") or []),
                   forum_snapshot_path(settings), self.settings_file]
        return [Path(p) for p in dict.fromkeys(str(f) for f in folders if f) if Path(p).exists()]

    def build(self, empty_output: bool = False) -> Outcome:
        """Build once; never raises (a failed build leaves the last good output)."""
        with self.lock:
            return self._build(empty_output)

    def _build(self, empty_output: bool) -> Outcome:
        self.builds += 1
        started = time.perf_counter()
        keep = self.pelican.delete_outputdir
        self.pelican.delete_outputdir = keep or empty_output
        try:
            self.pelican.run()
        except Exception as exc:  # the preview goes on: the next change builds again
            logger.debug("preview build failed", exc_info=True)
            self.last = None  # what this run left in memory is incomplete: build next time
            return Outcome(self.builds, False, time.perf_counter() - started,
                           failure=f"{type(exc).__name__}: {exc}")
        finally:
            self.pelican.delete_outputdir = keep
        state = build_state(self.pelican.settings)
        seconds = time.perf_counter() - started
        if search.indexed_by_last_build(self.pelican.settings):
            self.unindexed.clear()
        if state is None:
            return Outcome(self.builds, True, seconds)
        self.last = Outcome(self.builds, True, seconds, errors=state.errors,
                            warnings=state.warnings,
                            plan=dict(state.report.get("incremental") or {}))
        return self.last

    def rebuild(self, changes: Iterable[tuple[Any, str]]) -> Outcome:
        """Build after ``changes`` ((change, path) pairs, as watchfiles reports them)."""
        with self.lock:
            return self._rebuild(changes)

    def _rebuild(self, changes: Iterable[tuple[Any, str]]) -> Outcome:
        paths = {str(Path(path).resolve()) for _, path in changes}
        if self.settings_file in paths:
            try:
                self.load()
            except (Exception, SystemExit) as exc:  # a broken settings file: say so, wait
                self.builds += 1
                return Outcome(self.builds, False, 0.0, failure=f"{self.settings_file}: {exc}")
        content = str(Path(self.settings["PATH"]).resolve())
        deleted = any(path.startswith(content + os.sep) and not os.path.exists(path)
                      for path in paths)
        if not deleted:
            quick = self.bodies_only(paths)
            if quick is not None:
                return quick
        return self.build(empty_output=deleted)

    def bodies_only(self, paths: set[str]) -> Outcome | None:
        """Articles whose body or title alone changed, updated in memory; None: build."""
        started = time.perf_counter()
        state = build_state(self.pelican.settings)
        writer = state.memo.get(WRITER_KEY) if state is not None else None
        # after a build with errors, the next one must report them again: not in memory
        if (state is None or not isinstance(writer, AgoraWriter) or writer.pages_of is None
                or self.last is None or self.last.errors):
            return None
        edited = InMemoryEdit(state, writer)
        if not all(edited.read(path) for path in paths):
            return None
        written = edited.apply()
        self.unindexed.update(written)  # indexed again when the search first asks
        self.builds += 1
        what = "titles changed" if edited.shown else "bodies only"
        plan = {"mode": "incremental", "reason": f"{len(paths)} edited file(s), {what} "
                f"(in memory)", "edited_files": len(paths), "rendered": len(written)}
        self.last = Outcome(self.builds, True, time.perf_counter() - started,
                            warnings=self.last.warnings, plan=plan)
        return self.last

    @property
    def search_prefix(self) -> str:
        """The URL path of the search index's folder (``/pagefind/``)."""
        return "/" + search.index_folder(self.pelican.settings).strip("/") + "/"

    def refresh_search(self) -> None:
        """Index the output again when pages were rewritten in memory since the index was
        made: on demand, when a page asks for the index (a search), so that editing never
        waits for Pagefind and the search of the preview finds what the pages say."""
        with self.lock:
            if self.unindexed:
                search.refresh_index(self.pelican.settings, sorted(self.unindexed))
                self.unindexed.clear()


class InMemoryEdit:
    """Articles edited in their body only, applied to the previous build's objects."""

    def __init__(self, state: Any, writer: AgoraWriter) -> None:
        self.state, self.writer = state, writer
        self.context: dict[str, Any] = next(iter(writer.pages_of.values()))[0].context \
            if writer.pages_of else {}
        self.bodies: list[tuple[Any, Any]] = []  # (object of the previous build, new one)
        self.shown: set[bytes] = set()  # what pages showing a re-titled article contain

    def read(self, path: str) -> bool:
        """Parse ``path`` again; True when it is an article whose body alone changed."""
        from pelican import signals  # noqa: PLC0415 - keep `agora --help` fast
        from pelican.contents import Article  # noqa: PLC0415

        from agora.content.links import unlinked_authors  # noqa: PLC0415 - imports Pelican

        objects = self.context.get("generated_content") or {}
        relative = next((key for key, obj in objects.items()
                         if getattr(obj, "source_path", None) == path), None)
        old = objects.get(relative) if relative else None
        pages = self.writer.pages_of.get(path, []) if self.writer.pages_of else []
        generator = self.generator_of(old)
        if not isinstance(old, Article) or generator is None or not pages \
                or len({page.output for page in pages}) != len(pages):
            return False
        noted = len(self.state.problems.problems)
        try:
            new = generator.readers.read_file(
                base_path=generator.path, path=relative, content_class=Article,
                context=generator.context, preread_signal=signals.article_generator_preread,
                preread_sender=generator, context_signal=signals.article_generator_context,
                context_sender=generator)
        except Exception:  # the build path reports it
            return False
        if len(self.state.problems.problems) != noted or not same_listing(old, new):
            return False
        if unlinked_authors(new, self.state.hub.blog.authors_with_pages):
            return False  # a link to an author without a page: a build says so
        if new.metadata.get("title") != old.metadata.get("title"):
            if "title" in str(generator.settings.get("ARTICLE_ORDER_BY")):
                return False  # a new title would move it in the listings
            newsletter = self.state.hub.newsletter
            if newsletter is not None and newsletter.assembled_showing(
                    self.state.urls.absolute(old.url)):
                return False  # an issue made from the old title: assembled again by a build
            self.shown.update(needles({"title": old.title, "url": old.url}))
        self.bodies.append((old, new))
        return True

    def generator_of(self, obj: Any) -> Any:
        from pelican.generators import ArticlesGenerator  # noqa: PLC0415

        generators = self.state.memo.get(GENERATORS_KEY) or []  # this run's, by agora.prefetch
        return next((g for g in generators if isinstance(g, ArticlesGenerator)
                     and obj in (*g.articles, *g.translations, *g.drafts,
                                 *g.drafts_translations)), None)

    def apply(self) -> list[str]:
        """New bodies in, their pages and feeds written again; the pages written."""
        from pelican.contents import Content  # noqa: PLC0415

        pages = self.pages()
        for old, new in self.bodies:
            old._content = new._content
            old.title = old.metadata["title"] = new.metadata["title"]
            for cached in (Content.get_content, Content.get_summary):
                memo = getattr(cached, "cache", {})
                for key in [k for k in memo if k and k[0] is old]:
                    del memo[key]
        for page in pages:
            finish(page, page.render())
        refresh_feeds(self.state, [old for old, _ in self.bodies], self.writer.output_path)
        return [page.output for page in pages]

    def pages(self) -> list[PageJob]:
        """The pages to render again, in the order the build wrote them."""
        pages_of = self.writer.pages_of or {}
        chosen = {id(page) for old, _ in self.bodies for page in pages_of.get(old.source_path, [])}
        return [page for page in self.writer.every_page
                if id(page) in chosen or (self.shown and shows(page.output, self.shown))]


def shows(path: str, found: set[bytes]) -> bool:
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except OSError:
        return True
    return any(needle in text for needle in found)


def same_listing(old: Any, new: Any) -> bool:
    """Whether other pages show ``new`` as ``old`` but for its title: only body and title
    differ."""
    others = {k: v for k, v in new.metadata.items() if k != "title"}
    if others != {k: v for k, v in old.metadata.items() if k != "title"} \
            or type(new) is not type(old):
        return False
    before = old.get_summary(old.get_siteurl())
    new.status = old.status  # scheduling is decided on the whole build, not re-read
    return bool(listing_fingerprint(new) == listing_fingerprint(old)
                and new.get_summary(old.get_siteurl()) == before)


def refresh_feeds(state: Any, articles: list[Any], output: str) -> None:
    """Write again the feeds carrying ``articles``, with their new entries."""
    from agora.feeds.blog import article_entry  # noqa: PLC0415 - only for this path
    from agora.feeds.render import render  # noqa: PLC0415

    view, urls = state.hub.feeds, state.urls
    if view is None:
        return
    fresh = {urls.identity(a.url): article_entry(a, state.hub) for a in articles}
    for index, feed in enumerate(view.feeds):
        if feed.format == "ics" or not any(e.id in fresh for e in feed.entries):
            continue
        entries = tuple(fresh.get(e.id, e) for e in feed.entries)
        updated = type(feed)(**{**vars(feed), "entries": entries})
        view.feeds[index] = view._by_key[feed.key] = updated
        target = os.path.join(output, updated.path)
        with open(target, "wb") as handle:
            handle.write(render(updated, urls.absolute, urls.identity, state.now))


# --- HTTP: the output folder, the reload script, the build events --------------------------

def inject(page: bytes) -> bytes:
    """An HTML page with the live-reload script (before ``</body>``, else at the end)."""
    at = page.rfind(b"</body>")
    return page + SCRIPT_TAG if at < 0 else page[:at] + SCRIPT_TAG + page[at:]


class Handler(SimpleHTTPRequestHandler):
    """Files of the output folder; HTML pages get the live-reload script on the way out."""

    announcer: Announcer
    preview: Preview | None = None

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH:
            self.stream_events()
        elif path == SCRIPT_PATH:
            self.send_bytes(SCRIPT.encode(), "text/javascript; charset=utf-8")
        else:
            if self.preview is not None and path.startswith(self.preview.search_prefix):
                self.preview.refresh_search()
            self.send_page()

    def send_page(self) -> None:
        local = self.translate_path(self.path)
        if os.path.isdir(local):
            if not self.path.split("?", 1)[0].endswith("/"):
                super().do_GET()  # the redirect to the folder's URL
                return
            local = os.path.join(local, "index.html")
        if not local.endswith(".html") or not os.path.isfile(local):
            super().do_GET()
            return
        with open(local, "rb") as handle:
            self.send_bytes(inject(handle.read()), "text/html; charset=utf-8")

    def send_bytes(self, data: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        latest = self.announcer.latest
        seen = latest.number if latest is not None else 0
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not self.announcer.closed:
                outcome = self.announcer.after(seen, KEEPALIVE_S)
                if outcome is None:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    seen = outcome.number
                    data = json.dumps(outcome.as_dict(), ensure_ascii=False)
                    self.wfile.write(f"event: {outcome.event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the page was closed or reloaded

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)


def http_server(output: Path, announcer: Announcer, bind: str, port: int,
                preview: Preview | None = None) -> ThreadingHTTPServer:
    handler = type("PreviewHandler", (Handler,), {"announcer": announcer, "preview": preview})
    server = ThreadingHTTPServer((bind, port), partial(handler, directory=str(output)))
    server.daemon_threads = True
    return server


# --- the command ---------------------------------------------------------------------------

def changes_of(preview: Preview, stop: threading.Event) -> Iterator[set[tuple[Any, str]]]:
    """Batches of file changes in what the preview watches, until ``stop`` is set."""
    import watchfiles  # noqa: PLC0415 - a dependency of Pelican, needed by this command only

    yield from watchfiles.watch(*preview.watched(), debounce=400, step=30, stop_event=stop,
                                rust_timeout=500, yield_on_timeout=False)


def run(preview: Preview, bind: str, port: int, stop: threading.Event,
        ready: Callable[[str], None] | None = None) -> int:
    """Build, serve and rebuild on change until ``stop`` is set (``ready`` gets the URL)."""
    announcer = Announcer()
    preview.output.mkdir(parents=True, exist_ok=True)
    try:  # before the first build: a port in use is said at once
        server = http_server(preview.output, announcer, bind, port, preview)
    except OSError as exc:
        print(f"agora serve: cannot listen on {bind}:{port} ({exc.strerror}); "
              f"try another --port", file=sys.stderr)
        return 2
    first = preview.build()
    print(first.summary(), flush=True)
    announcer.announce(first)
    thread = threading.Thread(target=server.serve_forever, name="agora-preview-http",
                              daemon=True)
    thread.start()
    host, number = str(server.server_address[0]), server.server_address[1]
    print(f"Agora preview on http://{host}:{number}/ (Ctrl-C to stop)", flush=True)
    if ready is not None:
        ready(f"http://{host}:{number}/")
    try:
        for changes in changes_of(preview, stop):
            outcome = preview.rebuild(changes)
            print(outcome.summary(), flush=True)
            for message in outcome.errors[:5]:
                print(f"  error: {message}", flush=True)
            announcer.announce(outcome)
    except KeyboardInterrupt:
        pass
    finally:
        announcer.close()
        server.shutdown()
        server.server_close()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from pelican.log import init as init_logging  # noqa: PLC0415 - keep `agora --help` fast

    init_logging(level=logging.DEBUG if args.verbose else logging.WARNING)
    override: dict[str, Any] = dict(extra_setting(item) for item in args.extra_settings)
    override["LOAD_CONTENT_CACHE"] = True
    if args.content:
        override["PATH"] = str(Path(args.content).resolve())
    if args.output:
        override["OUTPUT_PATH"] = str(Path(args.output).resolve())
    preview = Preview(args.settings, **override)
    with contextlib.suppress(KeyboardInterrupt):
        return run(preview, args.bind, args.port, threading.Event())
    return 0


def extra_setting(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` as ``pelican -e`` takes it: VALUE is JSON, or else plain text."""
    key, _, value = text.partition("=")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def register_command(commands: Any) -> None:
    parser = commands.add_parser(
        "serve", help="preview on http://localhost:8000, rebuilt and reloaded on every change",
        description="Build the hub, serve it, and keep it in memory: after each change to "
                    "the content, theme, forum snapshot or settings, only the changed files "
                    "are read and only the pages they affect are written, then the browser "
                    "reloads. The output folder stays what a cold build writes.")
    parser.add_argument("--settings", "-s", default="pelicanconf.py",
                        help="Pelican settings file (default: pelicanconf.py)")
    parser.add_argument("--content", default="",
                        help="content folder (default: the settings' PATH)")
    parser.add_argument("--extra-settings", "-e", nargs="*", default=[], metavar="KEY=VALUE",
                        help="settings to override, VALUE in JSON (as `pelican -e`)")
    parser.add_argument("--output", "-o", default="",
                        help="output folder (default: the settings' OUTPUT_PATH)")
    parser.add_argument("--bind", "-b", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", "-p", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--verbose", "-v", action="store_true", help="log every page written")
    parser.set_defaults(handler=cmd_serve)
