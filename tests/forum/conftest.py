"""A fake Discourse served over real local HTTP (pytest-httpserver), plus a fake clock.

The fixtures are the invented "Jardiniers du Partage" forum in
``tests/fixtures/discourse/demo/``; they are routed by the same function the
demo-snapshot tool uses, so tests and the bundled demo agree on the shapes.
Tests can script answers per path (a 429, then success) or break a path for good.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agora.forum.client import DiscourseClient
from agora.settings import Options

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "discourse"


def _load_tool() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_demo_forum_snapshot", ROOT / "tools" / "make_demo_forum_snapshot.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def demo_tool() -> Any:
    """The demo-snapshot tool module (its ``route`` serves the fixtures)."""
    return _load_tool()


@pytest.fixture(scope="session")
def _pristine_docs(demo_tool: Any) -> dict[str, Any]:
    return demo_tool.load_fixtures(FIXTURES / "demo")


@pytest.fixture
def docs(_pristine_docs: dict[str, Any]) -> dict[str, Any]:
    """A private, mutable copy of the demo fixtures for one test."""
    return copy.deepcopy(_pristine_docs)


@dataclass
class Hit:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class FakeDiscourse:
    """Routes requests to the fixtures; records them; plays scripted failures first."""

    server: HTTPServer
    docs: dict[str, Any]
    route: Callable[..., tuple[int, str, bytes]]
    log: list[Hit] = field(default_factory=list)
    scripted: dict[str, list[Response]] = field(default_factory=dict)
    broken: dict[str, Callable[[], Response]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def script(self, path: str, *responses: Response) -> None:
        """Answer the next requests to ``path`` with ``responses``, then normally."""
        self.scripted.setdefault(path, []).extend(responses)

    def break_path(self, path: str, status: int = 500) -> None:
        """Answer every request to ``path`` with ``status`` from now on."""
        self.broken[path] = lambda: Response("<h1>Internal Server Error</h1>", status=status,
                                             content_type="text/html")

    def hits(self, pattern: str) -> list[Hit]:
        return [h for h in self.log if re.fullmatch(pattern, h.path)]

    def handle(self, request: Request) -> Response:
        self.log.append(Hit(request.path, request.args.to_dict(flat=False),
                            dict(request.headers)))
        queue = self.scripted.get(request.path)
        if queue:
            return queue.pop(0)
        if request.path in self.broken:
            return self.broken[request.path]()
        status, kind, body = self.route(self.docs, request.path,
                                        request.args.to_dict(flat=False), self.url)
        return Response(body, status=status, content_type=kind)


@pytest.fixture
def forum(httpserver: HTTPServer, docs: dict[str, Any], demo_tool: Any) -> FakeDiscourse:
    fake = FakeDiscourse(httpserver, docs, demo_tool.route)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake


class FakeClock:
    """Monotonic time that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(forum: FakeDiscourse, fake_clock: FakeClock,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., DiscourseClient]]:
    """Build clients on the fake forum that never really sleep (credentials: env only)."""
    monkeypatch.delenv("AGORA_DISCOURSE_API_KEY", raising=False)
    monkeypatch.delenv("AGORA_DISCOURSE_API_USERNAME", raising=False)
    made: list[DiscourseClient] = []

    def build(**tuning: Any) -> DiscourseClient:
        options = Options(forum_requests_per_second=tuning.pop("requests_per_second", 1.0))
        client = DiscourseClient.from_options(options, base_url=tuning.pop("base_url", forum.url),
                                              clock=fake_clock, sleep=fake_clock.sleep, **tuning)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest.fixture(autouse=True)
def pinned_now(monkeypatch: pytest.MonkeyPatch) -> str:
    """The one clock, pinned as in the demo."""
    value = "2026-11-20T08:00:00+01:00"
    monkeypatch.setenv("AGORA_NOW", value)
    return value


def tree_hashes(directory: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``directory``."""
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> Response:
    return Response(json.dumps(data), status=status, headers=headers,
                    content_type="application/json")

