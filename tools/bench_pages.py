"""Weight and Lighthouse scores of each page type of the demo, as a Markdown table.

    python tools/bench_pages.py [--output bench-results/pages.md] [--no-lighthouse]

Builds the demo as `make publish` does (publishconf: absolute URLs, strict), with
the local server's address as SITEURL, serves it on loopback, and for one page of
each type reports the HTML and the CSS compressed (gzip -9 and brotli 11, what the
published .gz/.br twins weigh) and Lighthouse's accessibility, best-practices, SEO
and performance scores (npm lighthouse, pinned, installed under .cache/lighthouse
on first use; Debian's Chromium, mobile emulation with simulated throttling).
Targets: 100, 100, 100 and at least 98.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import brotli

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE_FOLDER = REPO / ".cache" / "lighthouse"
LIGHTHOUSE_CLI = LIGHTHOUSE_FOLDER / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --no-first-run")
CATEGORIES = ("accessibility", "best-practices", "seo", "performance")
CSS = "theme/css/agora.css"
PAGES = {
    "home": "/", "blog": "/blog/", "article": "/blog/astuce-semences/",
    "category": "/category/astuces/", "tag": "/tag/compost/", "events": "/events/",
    "event": "/events/atelier-compost/", "past events": "/events/past/",
    "members": "/members/", "member": "/members/camille-roux/", "charter": "/charter/",
    "charter (en)": "/en/charter/", "onboarding": "/onboarding/", "forum": "/forum/",
    "newsletter": "/newsletter/", "feeds": "/feeds/", "search": "/search/",
    "404": "/404.html",
}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve(folder: Path, port: int) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def build(output: Path, siteurl: str) -> None:
    pelican = Path(sys.executable).with_name("pelican")
    env = {**os.environ, "AGORA_SITEURL": siteurl}
    subprocess.run([str(pelican), "content", "-s", "publishconf.py", "-o", str(output), "-q"],
                   cwd=REPO, env=env, check=True)


def weight(data: bytes) -> tuple[int, int]:
    """(gzip -9, brotli 11) sizes in bytes."""
    return len(gzip.compress(data, 9, mtime=0)), len(brotli.compress(data, quality=11))


def page_file(output: Path, url: str) -> Path:
    target = output / url.lstrip("/")
    return target / "index.html" if url.endswith("/") else target


def ensure_lighthouse() -> Path:
    if not LIGHTHOUSE_CLI.exists():
        LIGHTHOUSE_FOLDER.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(LIGHTHOUSE_FOLDER), "--no-audit",
                        "--no-fund", "--silent", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}"],
                       check=True)
    return LIGHTHOUSE_CLI


def lighthouse(cli: Path, url: str) -> dict[str, object]:
    """Lighthouse's scores (0-100) of ``url``, and the audits that cost points."""
    done = subprocess.run(
        ["node", str(cli), url, "--output=json", "--output-path=stdout", "--quiet",
         f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)],
        capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROME},
        check=True, timeout=300)
    report = json.loads(done.stdout)
    found: dict[str, object] = {
        name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    lost = sorted({ref["id"] for name in CATEGORIES
                   for ref in report["categories"][name]["auditRefs"]
                   if ref["weight"] and (report["audits"][ref["id"]].get("score") is not None)
                   and report["audits"][ref["id"]]["score"] < 1})
    found["lost"] = ", ".join(lost)
    return found


def table(rows: list[dict[str, object]], with_lighthouse: bool) -> str:
    head = ["page", "HTML gzip", "HTML br", "CSS gzip", "CSS br", "HTML+CSS br"]
    if with_lighthouse:
        head += ["a11y", "best pr.", "SEO", "perf.", "points lost on"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row["page"], row["html_gz"], row["html_br"], row["css_gz"], row["css_br"],
                 row["total_br"]]
        if with_lighthouse:
            cells += [row[c] for c in CATEGORIES] + [row["lost"] or "—"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def measure(output: Path, base: str, cli: Path | None) -> list[dict[str, object]]:
    css_gz, css_br = weight((output / CSS).read_bytes())
    rows: list[dict[str, object]] = []
    for name, url in PAGES.items():
        path = page_file(output, url)
        if not path.exists():
            continue
        html_gz, html_br = weight(path.read_bytes())
        row: dict[str, object] = {"page": f"{name} `{url}`", "html_gz": html_gz,
                                  "html_br": html_br, "css_gz": css_gz, "css_br": css_br,
                                  "total_br": html_br + css_br}
        if cli is not None:
            row.update(lighthouse(cli, base + url))
            print(f"{name}: {[row[c] for c in CATEGORIES]} {row['lost']}", file=sys.stderr)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="bench-results/pages.md")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args(argv)
    cli = None if args.no_lighthouse else ensure_lighthouse()
    with tempfile.TemporaryDirectory(prefix="agora-bench-pages-") as temporary:
        site = Path(temporary) / "site"
        port = free_port()
        build(site, f"http://127.0.0.1:{port}")  # absolute URLs on the server's address
        with serve(site, port) as base:
            rows = measure(site, base, cli)
    text = table(rows, cli is not None)
    target = REPO / args.output
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
