"""Benchmark: what a big community costs to build, against bare Pelican on the same articles.

For each corpus size (``tools/corpus.py``), the benchmark builds, alternating
(A B C D E, A B C D E, ...) so that a slow minute of the machine hits every
variant alike:

- ``bare-pelican``: Pelican's defaults (theme notmyidea, no plugins, no cache)
  on the same articles with native metadata — the baseline;
- ``agora-cold``: the hub's own settings (``pelicanconf.py``), empty cache and
  output folder;
- ``agora-cold-one-core``: the same, parsing and rendering on one core as
  Pelican does (``AGORA_READ_WORKERS = AGORA_RENDER_WORKERS = 1``), so what
  the other cores bring shows;
- ``agora-cold-no-forum``: the same without a forum, so the snapshot's cost shows;
- ``agora-cold-no-search``: the same without the search index, so Pagefind's
  cost shows (it is a process of its own, whose peak memory is often the
  build's largest);
- ``agora-warm``: a preview rebuild (new process) with the content cache and
  nothing changed;
- ``agora-edit``: the same after appending a paragraph to one article;
- ``agora-serve-body``: the preview server (``agora serve``, one long-lived
  process started and built before timing) after appending a paragraph to one
  article: from the edit until a connected client receives the reload event,
  so the page is rewritten;
- ``agora-serve-title``: the same after re-titling one article (its page and
  the listings showing it are rewritten).

Every build runs in its own process; ``os.wait4`` gives its CPU time (its
workers included) and peak RSS (of its largest process: workers are forked and
mostly share the parent's memory). The preview server's CPU time is read from
``/proc`` before and after each edit (its workers included), its peak RSS is
that of the server process. The median of the repeats goes into
``bench.json`` (with the machine's description) and ``bench.md`` (a table
with ratios to bare Pelican, how each figure grows with the number of
articles, and the targets of issue #16). Variants marked with a largest size
(the one-core, no-forum and new-process preview variants) are only run up to
it, so that 8,000 articles measure what the issue asks in reasonable time;
``--all-variants`` runs everything at every size.

Adding a figure is a few lines: append a :class:`Variant` to :data:`VARIANTS`
(a name, a command and an untimed setup), a :class:`Probe` to :data:`PROBES`
(numbers read from a finished build's output, e.g. page weight) or a
:class:`Target` to :data:`TARGETS`.

    python tools/bench.py                      # 500, 2,000 and 8,000 articles, 3 repeats
    python tools/bench.py --sizes 500,2000,8000 --repeats 3 --profile
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPResponse
from importlib import metadata
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:  # runnable before `pip install -e .`
    sys.path.insert(0, str(ROOT / "plugins"))
if str(ROOT / "tools") not in sys.path:
    sys.path.insert(0, str(ROOT / "tools"))

from corpus import DEFAULT_SEED, CorpusInfo, generate  # noqa: E402

from agora import clock  # noqa: E402

BENCH_NOW = "2026-11-20T10:00:00+01:00"
RESULT_FORMAT = 2
#: Variants above this many articles only when asked (--all-variants): see the doc.
FULL_SIZE_LIMIT = 2000
DONE_RE = re.compile(r"Done: Processed (\d+) articles?, (\d+) drafts?, (\d+) hidden articles?")


# --- one build, measured ---------------------------------------------------------------

@dataclass(frozen=True)
class Measurement:
    """One build: wall-clock and CPU seconds, peak resident memory, what it built."""

    wall_s: float
    cpu_s: float
    max_rss_mb: float
    articles_built: int | None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"wall_s": round(self.wall_s, 4), "cpu_s": round(self.cpu_s, 4),
                "max_rss_mb": round(self.max_rss_mb, 2), "articles_built": self.articles_built,
                **{k: v for k, v in self.extra.items()}}


class BuildFailed(RuntimeError):
    """A benchmarked build exited non-zero or built less than the whole corpus."""


def run_measured(command: Sequence[str], env: Mapping[str, str], cwd: Path,
                 log_path: Path) -> Measurement:
    """Run ``command`` to completion and measure it with ``wait4`` (its own rusage).

    ``wait4`` reports the child alone (plus any worker processes it waited
    for), unlike ``getrusage(RUSAGE_CHILDREN)``, whose peak RSS is the largest
    of every child this process ever had.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=log, stderr=subprocess.STDOUT,
                                   env=dict(env), cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        tail = "\n".join(text.splitlines()[-15:])
        raise BuildFailed(f"{' '.join(command)} exited with {process.returncode}; "
                          f"log {log_path}:\n{tail}")
    done = DONE_RE.search(text)
    built = int(done.group(1)) + int(done.group(2)) + int(done.group(3)) if done else None
    # Linux reports ru_maxrss in KiB, macOS in bytes
    rss_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Measurement(wall, usage.ru_utime + usage.ru_stime, rss_mb, built)


# --- the workspace of one corpus size ----------------------------------------------------

@dataclass
class Workspace:
    """Folders of one corpus size: the corpus, and one output and cache per variant."""

    root: Path
    corpus: CorpusInfo
    python: str = sys.executable
    settings_file: Path = ROOT / "pelicanconf.py"
    workers: int = 0
    env: dict[str, str] = field(default_factory=dict)
    servers: dict[str, PreviewServer] = field(default_factory=dict)

    def output(self, variant: str) -> Path:
        return self.root / "output" / variant

    def cache(self, variant: str) -> Path:
        return self.root / "cache" / variant

    def log(self, variant: str, repeat: int) -> Path:
        return self.root / "logs" / f"{variant}-{repeat}.log"

    def dev_content(self, variant: str) -> Path:
        """A preview variant's own copy of the Agora content (the edit variant edits it)."""
        return self.root / "dev-content" / variant

    @property
    def bare_settings(self) -> Path:
        return self.root / "bare-pelicanconf.py"

    def write_bare_settings(self) -> None:
        """Pelican's defaults (notmyidea, plain Markdown reader, no cache), no plugins."""
        self.bare_settings.write_text(
            '"""Bare Pelican: defaults, no plugins (generated by tools/bench.py)."""\n'
            'SITENAME = "Bare Pelican"\n'
            'SITEURL = ""\n'
            'FEED_DOMAIN = "https://bare.example"  # feeds need a domain, else a warning\n'
            'TIMEZONE = "Europe/Paris"\n'
            'DEFAULT_LANG = "fr"\n'
            "PLUGINS: list[str] = []\n", encoding="utf-8")

    def pelican(self, content: Path, settings: Path, variant: str,
                **overrides: Any) -> list[str]:
        command = [self.python, "-m", "pelican", str(content), "-s", str(settings),
                   "-o", str(self.output(variant))]
        if overrides:
            command.append("-e")
            command += [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
        return command

    def agora_settings(self, variant: str, **overrides: Any) -> dict[str, Any]:
        settings: dict[str, Any] = {"CACHE_PATH": str(self.cache(variant)),
                                    "AGORA_FORUM_SNAPSHOT_DIR": str(self.corpus.forum_snapshot),
                                    "AGORA_NOW": BENCH_NOW}
        if self.workers:
            settings["AGORA_READ_WORKERS"] = self.workers
            settings["AGORA_RENDER_WORKERS"] = self.workers
        settings.update(overrides)  # a variant's own settings win
        return settings

    def agora(self, variant: str, content: Path | None = None, **overrides: Any) -> list[str]:
        """A build with the hub's own settings on the synthetic corpus."""
        return self.pelican(content or self.corpus.agora_content, self.settings_file, variant,
                            **self.agora_settings(variant, **overrides))

    def plugins_without(self, plugin: str) -> list[str]:
        """The hub's ``PLUGINS`` less one, to measure what that plugin costs."""
        from pelican.settings import read_settings  # noqa: PLC0415

        return [name for name in read_settings(str(self.settings_file))["PLUGINS"]
                if name != plugin]

    def serve(self, name: str) -> list[str]:
        """``agora serve`` on a copy of the content, on a free port."""
        command = [self.python, "-m", "agora.cli", "serve", "--settings",
                   str(self.settings_file), "--content", str(self.dev_content(name)),
                   "--output", str(self.output(name)), "--port", "0", "--extra-settings"]
        return command + [f"{key}={json.dumps(value)}"
                          for key, value in self.agora_settings(name).items()]

    def close(self) -> None:
        for server in self.servers.values():
            server.close()
        self.servers.clear()


# --- variants ---------------------------------------------------------------------------

Setup = Callable[[Workspace, int], None]


def fresh(variant: str) -> Setup:
    """Setup of a cold build: no output folder, no cache."""

    def setup(workspace: Workspace, repeat: int) -> None:
        shutil.rmtree(workspace.output(variant), ignore_errors=True)
        shutil.rmtree(workspace.cache(variant), ignore_errors=True)

    return setup


def previewing(variant: str, edit: bool) -> Setup:
    """Setup of a preview rebuild: a primed cache and output, then (maybe) one edit.

    The first time, the content is copied and built once, untimed; later
    repeats start from what the previous repeat left, as a preview would.
    """

    def setup(workspace: Workspace, repeat: int) -> None:
        content = workspace.dev_content(variant)
        if not content.is_dir():
            shutil.copytree(workspace.corpus.agora_content, content)
        if not (workspace.cache(variant).is_dir() and workspace.output(variant).is_dir()):
            run_measured(workspace.agora(variant, content), workspace.env,
                         workspace.root, workspace.log(variant, -1))
        if edit:
            edit_one_article(content, repeat)

    return setup


def edit_one_article(content: Path, repeat: int) -> Path:
    """Append a paragraph to one article (a different one each repeat) and bump its mtime."""
    articles = sorted((content / "articles").glob("*.md"))
    target = articles[(repeat * 7919) % len(articles)]
    with target.open("a", encoding="utf-8") as handle:
        handle.write(f"\nParagraphe ajouté pendant la mesure n°{repeat + 1} : le banc d'essai "
                     f"modifie un seul article, comme un rédacteur.\n")
    stat = target.stat()
    bumped = max(time.time_ns(), stat.st_mtime_ns + 1_000_000_000)
    os.utime(target, ns=(bumped, bumped))
    return target


def retitle_one_article(content: Path, repeat: int) -> Path:
    """Put a new title on one article (a different one each repeat), as an editor would."""
    articles = sorted((content / "articles").glob("*.md"))
    target = articles[(repeat * 6007 + 11) % len(articles)]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('title: "', f'title: "Titre revu n°{repeat + 1} : ', 1),
                      encoding="utf-8")
    stat = target.stat()
    bumped = max(time.time_ns(), stat.st_mtime_ns + 1_000_000_000)
    os.utime(target, ns=(bumped, bumped))
    return target


# --- the preview server, measured edit by edit ---------------------------------------------

class PreviewServer:
    """One ``agora serve`` process: started and built untimed, then timed edit by edit.

    An edit is timed from the moment the file is written until a client
    connected to the server's event stream receives the reload event, which
    the server sends once the pages are written: what an editor waits for.
    """

    def __init__(self, workspace: Workspace, name: str, log_path: Path) -> None:
        content = workspace.dev_content(name)
        if not content.is_dir():
            shutil.copytree(workspace.corpus.agora_content, content)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(workspace.serve(name), stdout=subprocess.PIPE,
                                        stderr=self.log, text=True, env=dict(workspace.env),
                                        cwd=workspace.root)
        self.name, self.content, self.output = name, content, workspace.output(name)
        self.url = self._wait_for_url()
        host, port = self.url.split("//", 1)[1].rstrip("/").rsplit(":", 1)
        self.connection = HTTPConnection(host, int(port), timeout=1800)
        self.connection.request("GET", "/__agora/events")
        self.events: HTTPResponse = self.connection.getresponse()
        self.events.readline()  # ": connected"
        threading.Thread(target=self._drain_stdout, daemon=True).start()

    def _wait_for_url(self) -> str:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.write(line)
            found = re.search(r"Agora preview on (http://\S+)", line)
            if found:
                return found.group(1)
        raise BuildFailed(f"agora serve exited with {self.process.wait()}; "
                          f"log {self.log.name}")

    def _drain_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.write(line)
            self.log.flush()

    def cpu_s(self) -> float:
        """User and system time of the server and of the workers it waited for."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def peak_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"^VmHWM:\s*(\d+) kB", status, re.MULTILINE)
        return int(found.group(1)) / 1024 if found else 0.0

    def next_event(self) -> tuple[str, dict[str, Any]]:
        kind, data = "", ""
        while True:
            line = self.events.readline().decode()
            if not line:
                raise BuildFailed(f"agora serve stopped; log {self.log.name}")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                kind = line[len("event: "):]
            elif line.startswith("data: "):
                data = line[len("data: "):]
            elif not line and kind:
                return kind, json.loads(data)

    def measure(self, edit: Callable[[Path, int], Path], repeat: int) -> Measurement:
        cpu = self.cpu_s()
        started = time.perf_counter()
        edit(self.content, repeat)
        kind, outcome = self.next_event()
        wall = time.perf_counter() - started
        if kind != "reload":
            raise BuildFailed(f"{self.name}: the preview reported {outcome}")
        plan = outcome.get("plan") or {}
        return Measurement(wall, self.cpu_s() - cpu, self.peak_mb(), None,
                           {"server_build_s": outcome.get("seconds"),
                            "build_mode": plan.get("mode"), "build_reason": plan.get("reason"),
                            "pages_rendered": plan.get("rendered")})

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.connection.close()
        self.log.close()


SERVER = "agora-serve"  # one server per corpus size, for every server variant


def served(edit: Callable[[Path, int], Path]) -> Callable[[Workspace, int], Measurement]:
    def measure(workspace: Workspace, repeat: int) -> Measurement:
        server = workspace.servers.get(SERVER)
        if server is None:
            server = workspace.servers[SERVER] = PreviewServer(
                workspace, SERVER, workspace.log(SERVER, -1))
        return server.measure(edit, repeat)

    return measure


def no_setup(workspace: Workspace, repeat: int) -> None:
    """The preview server starts (untimed) before its first measured edit."""


@dataclass(frozen=True)
class Variant:
    """One way of building: how to prepare (untimed) and the command to time."""

    name: str
    description: str
    command: Callable[[Workspace], list[str]]
    setup: Setup
    baseline: bool = False
    expects_all_articles: bool = True  # sanity check: nothing left out of the build
    #: measures itself instead of timing ``command`` in a process of its own
    measure: Callable[[Workspace, int], Measurement] | None = None
    #: largest corpus it runs on (None: every size); see --all-variants
    max_size: int | None = None
    output_name: str = ""  # the output folder its probes read, when not its name

    def runs_at(self, size: int, every_variant: bool) -> bool:
        return every_variant or self.max_size is None or size <= self.max_size


VARIANTS: list[Variant] = [
    Variant("bare-pelican", "Pelican defaults, no plugins, same articles (baseline)",
            lambda w: w.pelican(w.corpus.bare_content, w.bare_settings, "bare-pelican"),
            fresh("bare-pelican"), baseline=True),
    Variant("agora-cold", "Agora, empty cache and output (CI, first build)",
            lambda w: w.agora("agora-cold"), fresh("agora-cold")),
    Variant("agora-cold-one-core", "Agora cold, parsing and rendering on one core",
            lambda w: w.agora("agora-cold-one-core", AGORA_READ_WORKERS=1,
                              AGORA_RENDER_WORKERS=1),
            fresh("agora-cold-one-core"), max_size=FULL_SIZE_LIMIT),
    Variant("agora-cold-no-forum", "Agora cold, no forum snapshot (forum cost = difference)",
            lambda w: w.agora("agora-cold-no-forum", AGORA_FORUM_URL=""),
            fresh("agora-cold-no-forum"), max_size=FULL_SIZE_LIMIT),
    Variant("agora-cold-no-search", "Agora cold, no search index (Pagefind's cost = difference)",
            lambda w: w.agora("agora-cold-no-search",
                              PLUGINS=w.plugins_without("agora.search")),
            fresh("agora-cold-no-search")),
    Variant("agora-warm", "Agora preview rebuild (new process), nothing changed",
            lambda w: w.agora("agora-warm", w.dev_content("agora-warm")),
            previewing("agora-warm", False), max_size=FULL_SIZE_LIMIT),
    Variant("agora-edit", "Agora preview rebuild (new process) after editing one article",
            lambda w: w.agora("agora-edit", w.dev_content("agora-edit")),
            previewing("agora-edit", True), max_size=FULL_SIZE_LIMIT),
    Variant("agora-serve-body", "Preview server: one article's body edited → page "
            "rewritten, reload sent", lambda w: w.serve(SERVER), no_setup,
            expects_all_articles=False, measure=served(edit_one_article), output_name=SERVER),
    Variant("agora-serve-title", "Preview server: one article's title edited → its page "
            "and listings rewritten, reload sent", lambda w: w.serve(SERVER), no_setup,
            expects_all_articles=False, measure=served(retitle_one_article),
            output_name=SERVER),
]


# --- probes: figures read from a finished build -----------------------------------------

@dataclass(frozen=True)
class Probe:
    """Numbers read from a variant's output after it was timed (untimed itself)."""

    name: str
    measure: Callable[[Path], dict[str, Any]]


def output_size(output: Path) -> dict[str, Any]:
    files = [p for p in output.rglob("*") if p.is_file()]
    html = [p for p in files if p.suffix == ".html"]
    return {"output_files": len(files), "output_mb": round(sum(p.stat().st_size for p in files)
                                                            / 1e6, 2),
            "html_pages": len(html)}


def build_report(output: Path) -> dict[str, Any]:
    """How Agora built (``build.json``): full or incremental, pages rendered, errors."""
    report_file = output / "build.json"
    if not report_file.is_file():
        return {}
    report = json.loads(report_file.read_text(encoding="utf-8"))
    incremental = report.get("incremental") or {}
    return {"build_errors": len(report.get("errors", [])),
            "build_mode": incremental.get("mode", "full"),
            "build_reason": incremental.get("reason", "content cache off"),
            "pages_rendered": incremental.get("rendered"),
            "read_workers": (report.get("parallel_reading") or {}).get("workers"),
            "render_workers": (report.get("parallel_rendering") or {}).get("workers")}


PROBES: list[Probe] = [Probe("output", output_size), Probe("build report", build_report)]


# --- targets ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """``metric(variant) / metric(reference)`` (minus 1 for an overhead) must stay ≤ limit."""

    label: str
    variant: str
    reference: str
    metric: str  # "wall_s", "cpu_s" or "max_rss_mb"
    limit: float
    overhead: bool = False

    def evaluate(self, medians: Mapping[str, Mapping[str, float]]) -> dict[str, Any] | None:
        if self.variant not in medians or self.reference not in medians:
            return None
        ratio = medians[self.variant][self.metric] / medians[self.reference][self.metric]
        value = ratio - 1 if self.overhead else ratio
        return {"label": self.label, "variant": self.variant, "reference": self.reference,
                "metric": self.metric, "value": round(value, 3), "limit": self.limit,
                "overhead": self.overhead, "met": value <= self.limit}


TARGETS: list[Target] = [
    Target("Agora cold build ≤ 0.7× bare Pelican", "agora-cold", "bare-pelican", "wall_s", 0.7),
    Target("… parsing and rendering on one core ≤ 1.1×", "agora-cold-one-core",
           "bare-pelican", "wall_s", 1.1),
    Target("Preview server, one body edited → page rewritten, reload sent ≤ 0.05×",
           "agora-serve-body", "bare-pelican", "wall_s", 0.05),
    Target("Preview server, one title edited → page and listings rewritten ≤ 0.15×",
           "agora-serve-title", "bare-pelican", "wall_s", 0.15),
    Target("Agora cold peak RSS ≤ 2× bare Pelican", "agora-cold", "bare-pelican",
           "max_rss_mb", 2.0),
    Target("Forum snapshot adds ≤ 5 % to the cold build", "agora-cold",
           "agora-cold-no-forum", "wall_s", 0.05, overhead=True),
]


@dataclass(frozen=True)
class GrowthTarget:
    """``metric(variant)`` at ``large`` articles / at ``small`` articles must stay ≤ limit."""

    label: str
    variant: str
    metric: str
    small: int
    large: int
    limit: float

    def evaluate(self, sizes: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            small = sizes[str(self.small)]["variants"][self.variant]["median"][self.metric]
            large = sizes[str(self.large)]["variants"][self.variant]["median"][self.metric]
        except KeyError:
            return None
        value = large / small
        return {"label": self.label, "variant": self.variant, "metric": self.metric,
                "value": round(value, 3), "limit": self.limit, "overhead": False,
                "met": value <= self.limit}


GROWTH_TARGETS: list[GrowthTarget] = [
    GrowthTarget("Agora cold build at 8,000 articles ≤ 4.2× its time at 2,000 (linear)",
                 "agora-cold", "wall_s", 2000, 8000, 4.2),
]


def growth(sizes: Mapping[str, Any]) -> list[dict[str, Any]]:
    """How each variant's figures grow from one corpus size to the next."""
    ordered = sorted(sizes, key=int)
    rows = []
    for small, large in pairwise(ordered):
        for name, entry in sizes[large]["variants"].items():
            before = sizes[small]["variants"].get(name)
            if before is None:
                continue
            rows.append({"variant": name, "from": int(small), "to": int(large),
                         "articles": round(int(large) / int(small), 2),
                         **{key: round(entry["median"][key] / before["median"][key], 2)
                            if before["median"][key] else None
                            for key in ("wall_s", "cpu_s", "max_rss_mb")}})
    return rows


# --- profiling ----------------------------------------------------------------------------

def origin(filename: str) -> str:
    """Which code a profiled function belongs to: ours, Pelican's or a library's."""
    path = filename.replace(os.sep, "/")
    if "/plugins/agora/" in path or "/site-packages/agora/" in path:
        return "agora"
    for package in ("pelican", "markdown", "jinja2", "pygments", "yaml", "markupsafe",
                    "docutils", "babel", "nh3", "icalendar", "feedgenerator",
                    "recurring_ical_events", "dateutil"):
        if f"/{package}/" in path:
            return package
    if path.startswith("~") or "/lib/python3" in path:
        return "stdlib"
    return "other"


def summarize_profile(profile_file: Path, top: int = 15) -> str:
    """Where a build spends its time: per package, then our and Pelican's top functions."""
    stats = pstats.Stats(str(profile_file))
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    by_origin: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in raw.items():
        by_origin[origin(filename)] = by_origin.get(origin(filename), 0.0) + tottime
    lines = [f"# Profile of one Agora cold build ({profile_file.name}); total {total:.2f} s", "",
             "## Own time by package", "", "| package | own time (s) | share |", "|---|---|---|"]
    for name, seconds in sorted(by_origin.items(), key=lambda item: -item[1]):
        lines.append(f"| {name} | {seconds:.2f} | {100 * seconds / total:.1f} % |")

    def table(title: str, keep: Callable[[str], bool]) -> None:
        rows = sorted(((key, value) for key, value in raw.items() if keep(origin(key[0]))),
                      key=lambda item: -item[1][3])[:top]
        lines.extend(["", f"## {title}: top {top} by cumulative time", "",
                      "| cumulative (s) | own (s) | calls | function |", "|---|---|---|---|"])
        for (filename, line, name), (_, calls, tottime, cumtime, _) in rows:
            short = filename.split("/plugins/")[-1].split("/site-packages/")[-1]
            lines.append(f"| {cumtime:.2f} | {tottime:.2f} | {calls} | "
                         f"`{short}:{line} {name}` |")

    table("Agora (plugins/agora)", lambda o: o == "agora")
    table("Pelican", lambda o: o == "pelican")
    table("Libraries (Markdown, Jinja2, Pygments, YAML...)",
          lambda o: o not in ("agora", "pelican", "stdlib", "other"))
    return "\n".join(lines) + "\n"


def profile_cold_build(workspace: Workspace, destination: Path) -> Path:
    """One extra, untimed, serial Agora cold build under cProfile; returns the summary's path."""
    variant = "agora-profile"
    fresh(variant)(workspace, 0)
    profile_file = destination.with_suffix(".prof")
    # one process: cProfile does not follow parsing or rendering into worker processes
    command = workspace.agora(variant, AGORA_READ_WORKERS=1, AGORA_RENDER_WORKERS=1)
    command[1:3] = ["-m", "cProfile", "-o", str(profile_file), "-m", "pelican"]
    run_measured(command, workspace.env, workspace.root, workspace.log(variant, 0))
    destination.write_text(summarize_profile(profile_file), encoding="utf-8")
    return destination


# --- the run ------------------------------------------------------------------------------

def measure_variant(workspace: Workspace, variant: Variant, size: int,
                    repeat: int) -> Measurement:
    """One timed run of ``variant`` (its setup untimed), with its probes' figures."""
    variant.setup(workspace, repeat)
    if variant.measure is not None:
        measured = variant.measure(workspace, repeat)
    else:
        measured = run_measured(variant.command(workspace), workspace.env, workspace.root,
                                workspace.log(variant.name, repeat))
    if variant.expects_all_articles and measured.articles_built != size:
        raise BuildFailed(f"{variant.name}: built {measured.articles_built} of {size} "
                          f"articles; see {workspace.log(variant.name, repeat)}")
    output = workspace.output(variant.output_name or variant.name)
    extra: dict[str, Any] = dict(measured.extra)
    for probe in PROBES:  # what the run itself reported wins (the preview server's plan)
        for key, value in probe.measure(output).items():
            extra.setdefault(key, value)
    if extra.get("build_errors"):
        raise BuildFailed(f"{variant.name}: the build reported errors (an unfair "
                          f"comparison); see {output}/build.json")
    return Measurement(measured.wall_s, measured.cpu_s, measured.max_rss_mb,
                       measured.articles_built, extra)


def machine_info() -> dict[str, Any]:
    """Enough about the machine and software to know when two results compare."""
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }
    for package in ("pelican", "markdown", "jinja2", "pygments", "pyyaml", "agora-hub"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        info["cpu"] = models[0] if models else None
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        info["memory_gb"] = round(int(found.group(1)) / 1024 / 1024, 1) if found else None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True, check=True).stdout
        info["git"] = commit + ("+dirty" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        info["git"] = None
    return info


def load_average() -> list[float] | None:
    """The machine's load: the benchmark shares it with whatever else runs."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def median_of(runs: Iterable[Measurement]) -> dict[str, float]:
    runs = list(runs)
    medians = {"wall_s": statistics.median(r.wall_s for r in runs),
               "cpu_s": statistics.median(r.cpu_s for r in runs),
               "max_rss_mb": statistics.median(r.max_rss_mb for r in runs)}
    return {key: round(value, 4) for key, value in medians.items()}


def bench_size(size: int, variants: Sequence[Variant], repeats: int, work: Path, seed: int,
               progress: Callable[[str], None], profile_to: Path | None = None,
               workers: int = 0, every_variant: bool = False) -> dict[str, Any]:
    """Generate the corpus of ``size`` articles and time every variant ``repeats`` times."""
    root = work / f"n{size}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    progress(f"[{size}] generating the corpus in {root}")
    corpus = generate(root / "corpus", size, seed)
    env = {**os.environ, "AGORA_NOW": BENCH_NOW, "COLUMNS": "200", "PYTHONHASHSEED": "0"}
    workspace = Workspace(root, corpus, workers=workers, env=env)
    workspace.write_bare_settings()
    variants = [v for v in variants if v.runs_at(size, every_variant)]
    runs: dict[str, list[Measurement]] = {v.name: [] for v in variants}
    try:
        for repeat in range(repeats):
            for variant in variants:
                measured = measure_variant(workspace, variant, size, repeat)
                runs[variant.name].append(measured)
                progress(f"[{size}] {repeat + 1}/{repeats} {variant.name:<22} "
                         f"{measured.wall_s:7.2f} s wall {measured.cpu_s:7.2f} s CPU "
                         f"{measured.max_rss_mb:7.1f} MB")
    finally:
        workspace.close()
    medians = {name: median_of(measured) for name, measured in runs.items()}
    baseline = next((v.name for v in variants if v.baseline), None)
    result_variants = {}
    for variant in variants:
        entry: dict[str, Any] = {"description": variant.description,
                                 "runs": [m.as_dict() for m in runs[variant.name]],
                                 "median": medians[variant.name]}
        if baseline:
            base = medians[baseline]
            entry["ratio_to_baseline"] = {
                key: round(medians[variant.name][key] / base[key], 3) if base[key] else None
                for key in ("wall_s", "cpu_s", "max_rss_mb")}
        result_variants[variant.name] = entry
    targets = [t for t in (target.evaluate(medians) for target in TARGETS) if t]
    result = {"corpus": {"articles": corpus.articles, "events": corpus.events,
                         "members": corpus.members, "forum_topics": corpus.forum_topics,
                         "seed": corpus.seed},
              "baseline": baseline, "variants": result_variants, "targets": targets}
    if profile_to is not None:
        progress(f"[{size}] profiling one Agora cold build")
        result["profile"] = str(profile_cold_build(workspace, profile_to))
    return result


def markdown_report(result: Mapping[str, Any]) -> str:
    """The results as Markdown tables (what the README's performance section shows)."""
    machine = result["machine"]
    lines = ["# Agora build benchmark", "",
             f"{machine.get('cpu') or 'unknown CPU'}, {machine['nproc']} CPUs, "
             f"{machine.get('memory_gb')} GB; Python {machine['python']}, "
             f"Pelican {machine['pelican']}, Markdown {machine['markdown']}; "
             f"git {machine.get('git')}; {result['started_at']}.",
             f"Median of {result['repeats']} alternating runs per variant; every build in its "
             f"own process (the preview server: one process per size, timed edit by edit).",
             f"Load average (1, 5, 15 min) at the start: {result.get('load_start')}, at the "
             f"end: {result.get('load_end')} (the machine's other work shows here).", "",
             f"Command: `{result['command']}`"]
    for size, data in result["sizes"].items():
        corpus = data["corpus"]
        lines += ["", f"## {int(size):,} articles ({corpus['events']} events, "
                      f"{corpus['members']} members, {corpus['forum_topics']} forum topics)", "",
                  "| variant | what | wall (s) | CPU (s) | peak RSS (MB) | × bare wall "
                  "| × bare RSS | HTML pages | pages rendered |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---|"]
        for name, entry in data["variants"].items():
            median, ratio = entry["median"], entry.get("ratio_to_baseline") or {}
            last = entry["runs"][-1]
            rendered = ("all" if last.get("pages_rendered") is None
                        else f"{last['pages_rendered']} ({last.get('build_mode')})")
            lines.append(f"| {name} | {entry['description']} | {median['wall_s']:.2f} | "
                         f"{median['cpu_s']:.2f} | {median['max_rss_mb']:.0f} | "
                         f"{ratio.get('wall_s', 0):.2f} | {ratio.get('max_rss_mb', 0):.2f} | "
                         f"{last.get('html_pages', '')} | {rendered} |")
        if data["targets"]:
            lines += ["", "| target | measured | limit | met |", "|---|---:|---:|---|"]
            for target in data["targets"]:
                shown = (f"{100 * target['value']:+.1f} %" if target["overhead"]
                         else f"{target['value']:.2f}×")
                limit = (f"{100 * target['limit']:.0f} %" if target["overhead"]
                         else f"{target['limit']:.2f}×")
                lines.append(f"| {target['label']} | {shown} | {limit} | "
                             f"{'yes' if target['met'] else '**no**'} |")
        if data.get("profile"):
            lines += ["", f"Profile of the Agora cold build: `{data['profile']}`"]
    lines += growth_report(result)
    return "\n".join(lines) + "\n"


def growth_report(result: Mapping[str, Any]) -> list[str]:
    """How each figure grows with the number of articles, and the growth targets."""
    rows = result.get("growth") or []
    if not rows:
        return []
    lines = ["", "## Growth with the number of articles", "",
             "| variant | articles | × articles | × wall | × CPU | × peak RSS |",
             "|---|---|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['variant']} | {row['from']:,} → {row['to']:,} | "
                     f"{row['articles']:.2f} | {row['wall_s']} | {row['cpu_s']} | "
                     f"{row['max_rss_mb']} |")
    targets = result.get("growth_targets") or []
    if targets:
        lines += ["", "| target | measured | limit | met |", "|---|---:|---:|---|"]
        for target in targets:
            lines.append(f"| {target['label']} | {target['value']:.2f}× | "
                         f"{target['limit']:.2f}× | {'yes' if target['met'] else '**no**'} |")
    return lines


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("sizes are whole numbers like 500,2000") from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("sizes are whole numbers of at least 1")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Time Agora builds against bare Pelican on a synthetic corpus "
                    "(cold, warm, after one edit) and write bench.json and bench.md.",
        epilog="Variants: " + "; ".join(f"{v.name}: {v.description}" for v in VARIANTS))
    parser.add_argument("--sizes", type=parse_sizes, default=[500, 2000, 8000],
                        help="comma-separated article counts (default 500,2000,8000)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs per variant and size, alternating (default 3)")
    parser.add_argument("--variants", default="",
                        help="comma-separated subset of variants (the baseline is always run)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results",
                        help="where bench.json, bench.md and profiles go (default bench-results/)")
    parser.add_argument("--work", type=Path, default=None,
                        help="scratch folder for corpora and outputs (default OUT/work)")
    parser.add_argument("--keep-work", action="store_true",
                        help="keep the corpora, outputs and logs after the run")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one Agora cold build per size (cProfile) and write "
                             "OUT/profile-<size>.md with the hotspots")
    parser.add_argument("--all-variants", action="store_true",
                        help=f"run every variant at every size (default: the one-core, "
                             f"no-forum and new-process preview variants only up to "
                             f"{FULL_SIZE_LIMIT:,} articles)")
    parser.add_argument("--workers", type=int, default=0,
                        help="AGORA_READ_WORKERS for Agora builds (0: the hub's setting)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    wanted = [n.strip() for n in args.variants.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in {v.name for v in VARIANTS}]
    if unknown:
        parser.error(f"unknown variant {unknown[0]!r}; known: "
                     + ", ".join(v.name for v in VARIANTS))
    variants = [v for v in VARIANTS if not wanted or v.name in wanted or v.baseline]
    out: Path = args.out.resolve()
    work: Path = (args.work or out / "work").resolve()
    out.mkdir(parents=True, exist_ok=True)

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, flush=True)

    result: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "started_at": clock.now().isoformat(timespec="seconds"),
        "command": "python tools/bench.py " + " ".join(argv if argv is not None
                                                      else sys.argv[1:]),
        "machine": machine_info(),
        "repeats": args.repeats,
        "seed": args.seed,
        "load_start": load_average(),
        "sizes": {},
    }
    try:
        for size in args.sizes:
            profile_to = out / f"profile-{size}.md" if args.profile else None
            result["sizes"][str(size)] = bench_size(size, variants, args.repeats, work,
                                                    args.seed, progress, profile_to,
                                                    args.workers, args.all_variants)
    except BuildFailed as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    result["load_end"] = load_average()
    result["growth"] = growth(result["sizes"])
    result["growth_targets"] = [t for t in (g.evaluate(result["sizes"])
                                            for g in GROWTH_TARGETS) if t]
    (out / "bench.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    report = markdown_report(result)
    (out / "bench.md").write_text(report, encoding="utf-8")
    progress("")
    progress(report)
    progress(f"written: {out / 'bench.json'}, {out / 'bench.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
