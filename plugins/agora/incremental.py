"""Preview rebuilds that re-render only the pages an edit changed.

Why: Pelican's content cache skips re-parsing unchanged files, but every page
is still rendered and written on every rebuild: fixing a typo in one article
of a large hub would cost most of a full build. Most edits change an
article's *body* only, and a body shows on exactly one page: its own.

How a build decides (only when ``LOAD_CONTENT_CACHE`` is on, i.e. previews;
``AGORA_INCREMENTAL = False`` turns it off):

1. Once every generator has read its content (``all_generators_finalized``),
   compare the build with the manifest the previous *successful* build left in
   ``CACHE_PATH``:

   - a global fingerprint: settings, theme files, Agora's code, the content
     folder's other files (``series.yml``, images), the forum snapshot, the
     git commit (history feeds the charter's earlier versions), the day on
     Agora's clock;
   - the set of content sources and each file's modification time and size;
   - for each changed source, its *listing fingerprint*: everything other
     pages can show about it (metadata, URL, status, summary), not its body.

2. Full build when anything global changed, a source was added, removed or
   failed, the previous build's ``next_change`` has passed, a page the previous
   build wrote is missing, the order of a listing changed, or a changed
   source's listing fingerprint differs in anything but its title.

3. Otherwise the writer (:class:`agora.render.AgoraWriter`) renders, page by
   page, those whose ``write_file`` keyword arguments hold one of the edited
   objects, and skips every other page, which is already in the output and
   would be identical. When a title changed, it also renders every page whose
   previous output shows the old title or links to the object: its listings.
   Feeds, calendars and files plugins write themselves are always written.

Rules for templates and plugins: a page that shows the *body* of other content
(a digest...) passes those objects to ``write_file`` as ``agora_renders=[...]``
so that it is re-rendered when one of them changes; a value computed from a
body and shown elsewhere (reading time...) belongs in the metadata. A page
showing another object's title links to it or shows the title as it is.
Skipped pages send no ``content_written`` signal.

The decision and its figures go to ``build.json`` under ``incremental``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import escape
from pelican import signals
from pelican.contents import Content
from pelican.writers import Writer

import agora
from agora.capability import Capability
from agora.content.checks import LINKS_KEY
from agora.settings import forum_snapshot_path, options
from agora.state import build_state

logger = logging.getLogger(__name__)

MANIFEST_FILE = "agora-incremental.json"
MANIFEST_FORMAT = 3
PLAN_KEY = "incremental_plan"
#: ``<function f at 0x7f...>`` differs between processes: never part of a fingerprint.
ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")


def enabled(settings: Mapping[str, Any]) -> bool:
    """Incremental rendering only where the content cache is loaded (previews)."""
    return bool(settings.get("LOAD_CONTENT_CACHE")) and options(settings).incremental


def stable_repr(value: Any) -> str:
    return ADDRESS_RE.sub("", repr(value))


def digest(*parts: Any) -> str:
    return hashlib.sha256("\x1f".join(stable_repr(p) for p in parts).encode()).hexdigest()


def file_stamp(path: str) -> list[int]:
    stat = os.stat(path)
    return [stat.st_mtime_ns, stat.st_size]


def folder_stamps(root: str | Path, skip: Collection[str] = frozenset()
                  ) -> list[tuple[str, int, int]]:
    """(relative path, mtime, size) of every file below ``root`` except ``skip``."""
    stamps: list[tuple[str, int, int]] = []
    base = str(root)
    if not os.path.isdir(base):
        return stamps
    for directory, folders, files in os.walk(base):
        folders.sort()
        for name in sorted(files):
            path = os.path.join(directory, name)
            if path in skip:
                continue
            try:
                stat = os.stat(path)
            except OSError:
                continue
            stamps.append((os.path.relpath(path, base), stat.st_mtime_ns, stat.st_size))
    return stamps


def git_stamps(start: str | Path) -> list[tuple[str, int, int]]:
    """The current commit of the repository holding ``start``, as file stamps.

    Plugins may read git history (earlier versions of the charter): a new
    commit must count as a change even when no file in the tree changed.
    """
    folder = Path(start).resolve()
    for candidate in (folder, *folder.parents):
        git = candidate / ".git"
        if git.is_dir():
            names = ["HEAD", "packed-refs"]
            try:
                head = (git / "HEAD").read_text(encoding="utf-8").strip()
            except OSError:
                return []
            if head.startswith("ref: "):
                names.append(head[5:])
            stamps = []
            for name in names:
                try:
                    stat = (git / name).stat()
                except OSError:
                    continue
                stamps.append((name, stat.st_mtime_ns, stat.st_size))
            return stamps
    return []


def global_fingerprint(settings: Mapping[str, Any], sources: set[str],
                       now_day: str) -> dict[str, str]:
    """Everything, besides the content sources themselves, that any page may show.

    One digest per part, so that the log can say which part changed.
    """
    template_folders = [settings.get("THEME", ""),
                        *(settings.get("THEME_TEMPLATES_OVERRIDES") or []),
                        *(settings.get("EXTRA_TEMPLATES_PATHS") or [])]
    code = [stamp for stamp in folder_stamps(Path(agora.__file__).parent)
            if stamp[0].endswith(".py")]
    return {
        "version": digest(MANIFEST_FORMAT, agora.__version__),
        "day": now_day,
        "settings": digest(sorted((k, v) for k, v in settings.items() if not k.startswith("_"))),
        "theme": digest([folder_stamps(folder) for folder in template_folders if folder]),
        "code": digest(code),
        "other content files": digest(folder_stamps(settings["PATH"], skip=sources)),
        "forum snapshot": digest(folder_stamps(forum_snapshot_path(settings))),
        "git commit": digest(git_stamps(settings["PATH"])),
    }


def listing_fingerprint(obj: Content) -> str:
    """What other pages can show of ``obj`` but its title: all but its body (the summary included).

    The links listed from its body (checked once the build is done) are the body's.
    """
    metadata = sorted((str(k), v) for k, v in obj.metadata.items()
                      if k not in ("title", LINKS_KEY))
    summary = obj.metadata.get("summary")
    if summary is None:  # Pelican derives the summary from the body
        summary = obj.get_summary("")
    return digest(type(obj).__name__, obj.save_as, obj.url, obj.status,
                  getattr(obj, "lang", None), metadata, summary)


def listing_entry(path: str, obj: Content) -> dict[str, Any]:
    """A source's line in the manifest (the title apart: a new one re-renders listings)."""
    return {"stamp": file_stamp(path), "listing": listing_fingerprint(obj),
            "title": str(getattr(obj, "title", "")), "url": str(getattr(obj, "url", ""))}


def order_fingerprint(context: Mapping[str, Any]) -> str:
    """The order of every listed sequence (a new title may move an item to another page)."""
    def sources(items: Any) -> list[Any]:
        if not isinstance(items, list | tuple):
            return []
        found: list[Any] = []
        for item in items:
            if isinstance(item, Content):
                found.append(item.source_path)
            elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], list):
                found.append((str(item[0]), sources(item[1])))
        return found

    return digest(sorted((key, sources(value)) for key, value in context.items()
                         if isinstance(key, str) and not key.startswith("_")))


def needles(entry: Mapping[str, Any]) -> tuple[bytes, ...]:
    """What a page showing an object shows of it: its title (as is, escaped), its URL."""
    title, url = str(entry.get("title") or ""), str(entry.get("url") or "")
    found = {text.encode() for text in (title, str(escape(title)), url.strip("/")) if text}
    return tuple(sorted(found))


@dataclass
class Plan:
    """This build's decision, and what it needs to leave the next manifest."""

    mode: str  # "full" or "incremental"
    reason: str
    dirty: frozenset[str] = frozenset()  # source paths whose own pages are re-rendered
    #: what pages showing a re-titled object contain (its old title, its URL)
    shown: tuple[bytes, ...] = ()
    manifest: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)  # goes to build.json
    written: set[str] = field(default_factory=set)  # files this build wrote
    stamps: dict[str, list[int]] = field(default_factory=dict)  # sources, as this build saw them
    context: Mapping[str, Any] = field(default_factory=dict)  # the shared template context

    def must_render(self, variables: Mapping[str, Any], renders: Any = (),
                    path: str | None = None) -> bool:
        """Whether a page must be rendered again (``renders``: its ``agora_renders``)."""
        if self.mode == "full":
            return True
        for value in variables.values():
            if isinstance(value, Content) and value.source_path in self.dirty:
                return True
        if any(getattr(obj, "source_path", None) in self.dirty for obj in renders):
            return True
        return bool(self.shown) and path is not None and self.shows(path)

    def shows(self, path: str) -> bool:
        """Whether the page's previous output shows a re-titled object."""
        try:
            with open(path, "rb") as handle:
                text = handle.read()
        except OSError:
            return True
        return any(needle in text for needle in self.shown)


def manifest_path(settings: Mapping[str, Any]) -> Path:
    return Path(settings["CACHE_PATH"]) / MANIFEST_FILE


def load_manifest(settings: Mapping[str, Any]) -> dict[str, Any] | None:
    try:
        data = json.loads(manifest_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT else None


def content_objects(context: Mapping[str, Any]) -> tuple[dict[str, Content], list[str]]:
    """Every content object of this build by source path, and the sources that failed."""
    objects: dict[str, Content] = {}
    failed: list[str] = []
    for relative, obj in (context.get("generated_content") or {}).items():
        if obj is None:
            failed.append(relative)
        elif getattr(obj, "source_path", None):
            objects[obj.source_path] = obj
    return objects, sorted(failed)


def decide(settings: Mapping[str, Any], context: Mapping[str, Any], now: Any) -> Plan:
    """Compare this build with the previous one; see the module documentation."""
    objects, failed = content_objects(context)
    stamps = {path: file_stamp(path) for path in objects}
    fingerprint = global_fingerprint(settings, set(objects), now.date().isoformat())
    manifest: dict[str, Any] = {"format": MANIFEST_FORMAT, "global": fingerprint,
                                "order": order_fingerprint(context), "failed": failed,
                                "sources": {}, "pages": []}
    previous = load_manifest(settings)

    def full(reason: str) -> Plan:
        return Plan("full", reason, manifest=manifest, stamps=stamps)

    if previous is None:
        return full("no previous build")
    raw_global = previous.get("global")
    before = raw_global if isinstance(raw_global, dict) else {}
    changed = [part for part, value in fingerprint.items() if before.get(part) != value]
    if changed:
        return full("changed: " + ", ".join(changed))
    if previous.get("failed") != failed or set(previous.get("sources", {})) != set(stamps):
        return full("content files were added, removed or failed")
    next_change = previous.get("next_change")
    if next_change and _passed(next_change, now):
        return full(f"the previous build's next change ({next_change}) has passed")
    output = Path(settings["OUTPUT_PATH"])
    missing = next((p for p in previous.get("pages", []) if not (output / p).exists()), None)
    if missing:
        return full(f"{missing} is missing from the output")
    dirty: list[str] = []
    shown: set[bytes] = set()
    for path, stamp in stamps.items():
        before = previous["sources"][path]
        if before["stamp"] == stamp:
            manifest["sources"][path] = before
            continue
        entry = listing_entry(path, objects[path])
        if entry["listing"] != before["listing"]:
            return full(f"{os.path.relpath(path, settings['PATH'])}: "
                        f"what listings show changed")
        if entry["title"] != before.get("title"):
            shown.update(needles(before))
        manifest["sources"][path] = {**entry, "stamp": stamp}
        dirty.append(path)
    if previous.get("order") != manifest["order"]:
        return full("the order of a listing changed")
    manifest["pages"] = list(previous.get("pages", []))
    what = "titles changed" if shown else "bodies only"
    return Plan("incremental", f"{len(dirty)} edited file(s), {what}",
                dirty=frozenset(dirty), shown=tuple(sorted(shown)), manifest=manifest,
                stamps=stamps)


def _passed(moment: str, now: datetime) -> bool:
    try:
        return datetime.fromisoformat(moment) <= now
    except (TypeError, ValueError):
        return True


def current_plan(settings: Mapping[str, Any]) -> Plan | None:
    state = build_state(settings)
    return state.memo.get(PLAN_KEY) if state is not None else None


# --- signal receivers ------------------------------------------------------------------

def plan_build(generators: list[Any]) -> None:
    """``all_generators_finalized``: everything is read, nothing is written yet."""
    if not generators:
        return
    settings = generators[0].settings
    state = build_state(settings)
    if state is None or not enabled(settings):
        return
    plan = decide(settings, generators[0].context, state.now)
    plan.context = generators[0].context
    plan.report.update({"mode": plan.mode, "reason": plan.reason,
                        "edited_files": len(plan.dirty), "rendered": 0, "skipped": 0})
    state.memo[PLAN_KEY] = plan
    state.report["incremental"] = plan.report
    logger.info("incremental: %s build (%s)", plan.mode, plan.reason)


def save_manifest(pelican: Any) -> None:
    """``finalized``: the build went through; record it for the next one."""
    settings = pelican.settings
    plan = current_plan(settings)
    state = build_state(settings)
    if plan is None or state is None:
        return
    sources = plan.manifest["sources"]
    objects, _ = content_objects(plan.context)
    for path, obj in objects.items():
        if path not in sources and path in plan.stamps:  # full builds: every source
            # the stamp taken before rendering: a file saved during the build counts
            # as edited next time
            sources[path] = {**listing_entry(path, obj), "stamp": plan.stamps[path]}
    output = Path(settings["OUTPUT_PATH"])
    pages = set(plan.manifest.get("pages", []))
    pages.update(os.path.relpath(p, output) for p in plan.written)
    plan.manifest["pages"] = sorted(pages)
    upcoming = state.next_change
    plan.manifest["next_change"] = upcoming[0].isoformat() if upcoming else None
    target = manifest_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(plan.manifest), encoding="utf-8")
    os.replace(temporary, target)


def get_writer(pelican: Any) -> type[Writer] | None:
    """Agora's writer skips the pages the plan leaves out (``agora.render`` gives it too)."""
    from agora import render  # noqa: PLC0415 - the writer's module imports this one

    return None if render.render_active(pelican.settings) else render.AgoraWriter


CAPABILITY = Capability(
    "agora.incremental",
    receivers=((signals.all_generators_finalized, plan_build),
               (signals.get_writer, get_writer),
               (signals.finalized, save_manifest)),
)


def register() -> None:
    CAPABILITY.register()


__all__ = ["Plan", "decide", "listing_fingerprint", "register"]
