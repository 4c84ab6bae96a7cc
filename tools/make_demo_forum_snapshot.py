"""Regenerate the bundled demo forum snapshot (``data/forum/``) with the real sync code.

No real Discourse can run here, so this script serves the invented "Jardiniers
du Partage" fixtures (``tests/fixtures/discourse/demo/``, shaped like recorded
Discourse answers) from a local HTTP server and runs :func:`agora.forum.sync.sync`
against it, storing links under the demo's public forum URL. It syncs once a
week for six weeks before the pinned "now" (with growing stats) and once at it,
so the snapshot carries a history and the site can show trends. Avatars, and
the uploads and emoji the demo posts show, are small generated PNGs: nothing
is downloaded from the internet.

The output is deterministic: running it twice gives byte-identical files.

    python tools/make_demo_forum_snapshot.py [--out data/forum]

The test suite imports :func:`route` to serve the same fixtures the same way.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import struct
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from agora.clock import parse_instant
from agora.forum.client import DiscourseClient
from agora.forum.snapshot import SNAPSHOT_FILE, SnapshotWriter, load_snapshot
from agora.forum.sync import SyncResult, sync
from agora.settings import Options

ROOT = Path(__file__).resolve().parent.parent

DEMO_FORUM_URL = "https://forum.jardiniers-du-partage.example"
DEMO_NOW = "2026-11-20T08:00:00+01:00"
FIXTURES = ROOT / "tests" / "fixtures" / "discourse" / "demo"
LINKED_TOPICS = (103, 105, 107, 110)
#: The four demo members, then two forum users whose profiles are hidden / gone.
USERNAMES = ("camille.r", "yanis_b", "sofia.m", "hugo.l", "nadia.k", "theo_graines")
HISTORY_WEEKS = 6
#: Posts Discourse returns with ``/t/{id}.json``; the rest come from posts.json.
TOPIC_CHUNK = 20
AVATAR_PREFIXES = ("/user_avatar/", "/letter_avatar_proxy/", "/cdn/")
#: Images inside post bodies: uploads and Discourse emoji.
IMAGE_PREFIXES = ("/uploads/", "/images/emoji/")
#: ``/t/{id}/{post_number}.json``: Discourse returns this many posts before ``post_number``.
NEAR_BEFORE = TOPIC_CHUNK // 4
NOT_FOUND = {"errors": ["The requested URL or resource could not be found."],
             "error_type": "not_found"}

Response = tuple[int, str, bytes]


def load_fixtures(directory: Path = FIXTURES) -> dict[str, Any]:
    """Every ``name.json`` fixture as ``{name: parsed JSON}``."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(directory.glob("*.json"))}


def identicon_png(seed: str, size: int = 40) -> bytes:
    """A tiny deterministic 5x5 mirrored identicon as an indexed PNG."""
    digest = hashlib.sha1(seed.encode()).digest()
    colour = bytes((digest[0] // 2 + 64, digest[1] // 2 + 64, digest[2] // 2 + 64))
    cells = [[(digest[3 + row * 3 + min(col, 4 - col)] & 1) for col in range(5)]
             for row in range(5)]
    scale = max(1, size // 5)
    rows = b""
    for row in range(5 * scale):
        line = bytes(cells[row // scale][col // scale] for col in range(5 * scale))
        rows += b"\x00" + line

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    side = 5 * scale
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 3, 0, 0, 0))
            + chunk(b"PLTE", b"\xf4\xf1\xe8" + colour)
            + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def _json(status: int, data: Any, server_url: str) -> Response:
    body = json.dumps(data, ensure_ascii=False).replace("__SERVER__", server_url)
    return status, "application/json; charset=utf-8", body.encode("utf-8")


def route(docs: Mapping[str, Any], path: str, query: Mapping[str, list[str]],
          server_url: str) -> Response:
    """Answer one GET like the demo Discourse would: ``(status, content type, body)``.

    Fixture ``t-{id}`` holds a topic with ALL its posts; like Discourse, the
    topic answer carries only the first 20 and ``posts.json`` serves the rest;
    ``/t/{id}/{n}.json`` carries the 20 posts around ``n`` (5 before, the rest
    from ``n`` on; near the end, the last 20), with the whole stream. Images
    (avatars, uploads, emoji) are generated PNGs. A fixture with a ``__status__``
    key is served with that status.
    """
    def first(name: str, default: str = "") -> str:
        return (query.get(name) or [default])[0]

    def doc(name: str) -> Response:
        if name not in docs:
            return _json(404, NOT_FOUND, server_url)
        data = docs[name]
        if isinstance(data, dict) and "__status__" in data:
            body = {k: v for k, v in data.items() if k != "__status__"}
            return _json(int(data["__status__"]), body, server_url)
        return _json(200, data, server_url)

    if path.startswith(AVATAR_PREFIXES) or path.startswith(IMAGE_PREFIXES):
        return 200, "image/png", identicon_png(path.split("/{")[0])
    parts = [p for p in path.split("/") if p]
    if path == "/site.json":
        return doc("site")
    if path == "/about.json":
        return doc("about")
    if path == "/latest.json":
        page = int(first("page", "0") or 0)
        return doc("latest" if page == 0 else f"latest-page{page}")
    if path == "/top.json":
        return doc(f"top-{first('period', 'all')}")
    if path == "/directory_items.json":
        if not first("period"):
            return _json(400, {"errors": ["param is missing: period"],
                               "error_type": "invalid_parameters"}, server_url)
        return doc("directory_items")
    if path == "/discourse-post-event/events.json":
        return doc("events")
    if len(parts) == 2 and parts[0] == "u" and parts[1].endswith(".json"):
        return doc(f"u-{parts[1][:-5]}")
    if len(parts) == 3 and parts[0] == "c" and parts[2].endswith(".json"):
        return doc(f"c-{parts[1]}")
    if len(parts) == 5 and parts[0] == "c" and parts[3:] == ["l", "top.json"]:
        return doc(f"c-{parts[1]}-top-{first('period', 'all')}")
    if len(parts) == 2 and parts[0] == "t" and parts[1].endswith(".json"):
        name = f"t-{parts[1][:-5]}"
        status, kind, body = doc(name)
        if status != 200:
            return status, kind, body
        topic = json.loads(body)
        topic["post_stream"]["posts"] = topic["post_stream"]["posts"][:TOPIC_CHUNK]
        return 200, kind, json.dumps(topic, ensure_ascii=False).encode("utf-8")
    if len(parts) == 3 and parts[0] == "t" and parts[2] == "posts.json":
        name = f"t-{parts[1]}"
        if name not in docs:
            return _json(404, NOT_FOUND, server_url)
        wanted = {int(i) for i in query.get("post_ids[]", []) if i.isdigit()}
        posts = [p for p in docs[name]["post_stream"]["posts"] if p["id"] in wanted]
        return _json(200, {"id": int(parts[1]), "post_stream": {"posts": posts}}, server_url)
    if (len(parts) == 3 and parts[0] == "t" and parts[2].endswith(".json")
            and parts[2][:-5].isdigit()):
        status, kind, body = doc(f"t-{parts[1]}")
        if status != 200:
            return status, kind, body
        topic = json.loads(body)
        posts = topic["post_stream"]["posts"]
        near = int(parts[2][:-5])
        at = next((n for n, p in enumerate(posts) if p["post_number"] >= near), len(posts))
        start = max(0, at - NEAR_BEFORE)
        chunk = posts[start:start + TOPIC_CHUNK]
        if len(chunk) < TOPIC_CHUNK:  # near the end, earlier posts fill the chunk
            chunk = posts[max(0, len(posts) - TOPIC_CHUNK):]
        topic["post_stream"]["posts"] = chunk
        return 200, kind, json.dumps(topic, ensure_ascii=False).encode("utf-8")
    return _json(404, NOT_FOUND, server_url)


@contextmanager
def serve(docs: Mapping[str, Any],
          on_request: Callable[[str], None] | None = None) -> Iterator[str]:
    """Serve ``docs`` on a local port for the duration of the block; yields the base URL.

    ``on_request`` is told every path asked for (retries included), as they come.
    """
    holder: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real forum behind nginx
        disable_nagle_algorithm = True  # else each answer waits ~40 ms for a delayed ACK

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if on_request is not None:
                on_request(parts.path)
            status, kind, body = route(docs, parts.path, parse_qs(parts.query),
                                       holder["url"])
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["url"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _stats_weeks_ago(stats: Mapping[str, Any], weeks: int) -> dict[str, Any]:
    """Plausible earlier counters: the community grew a little every week."""
    growth = {"topics_count": 5, "posts_count": 71, "users_count": 4, "likes_count": 118,
              "participating_users_7_days": 2, "participating_users_30_days": 3,
              "posts_7_days": 6, "posts_30_days": 15}
    earlier = dict(stats)
    if weeks == 0:
        return earlier
    for key, step in growth.items():
        if key in earlier:
            wobble = (weeks * 7 + len(key)) % 3  # not a perfectly straight line
            earlier[key] = max(0, int(earlier[key]) - step * weeks + wobble)
    return earlier


def build_demo(out: Path, fixtures: Path = FIXTURES, now: str = DEMO_NOW) -> SyncResult:
    """Run the demo syncs and install the result in ``out``; returns the last SyncResult."""
    docs = load_fixtures(fixtures)
    final_stats = docs["about"]["about"]["stats"]
    pinned = parse_instant(now)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".forum-demo-", dir=out.parent))
    options = Options.from_settings({"AGORA_FORUM_URL": DEMO_FORUM_URL})
    result: SyncResult | None = None
    try:
        with serve(docs) as url:
            for weeks in range(HISTORY_WEEKS, -1, -1):
                docs["about"] = {"about": {**docs["about"]["about"],
                                           "stats": _stats_weeks_ago(final_stats, weeks)}}
                # A budget no real forum would allow: this one is a local file server.
                client = DiscourseClient(url, requests_per_second=1000,
                                         timeout=options.forum_timeout, environ={},
                                         sleep=lambda _s: None)
                with client:
                    result = sync(options, work / "forum", client=client,
                                  now=pinned - timedelta(weeks=weeks),
                                  topic_ids=LINKED_TOPICS, usernames=USERNAMES)
        built = load_snapshot(work / "forum")
        if built is None or result is None:
            raise RuntimeError(f"{work / 'forum'}: expected a snapshot, found none")
        with SnapshotWriter(out) as writer:
            for item in (work / "forum").iterdir():
                if item.name != SNAPSHOT_FILE:
                    shutil.copytree(item, writer.staging / item.name)
            writer.write(built.to_dict())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "forum")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    args = parser.parse_args(argv)
    result = build_demo(args.out, args.fixtures)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    taken = result.snapshot.taken_at.isoformat()
    print(f"demo forum snapshot written to {args.out} ({size // 1024} KB, "
          f"{len(result.snapshot.topics)} topics, taken at {taken})")
    for warning in result.warnings:
        print(f"  note: {warning}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
