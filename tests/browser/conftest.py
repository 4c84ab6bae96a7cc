"""Real headless Chromium (Debian's package) driven by Playwright against a local server."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import warnings
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _require_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    message = ("Debian's chromium is not installed: browser tests cannot run "
               "(`make test` installs it when run as root on Debian)")
    if os.environ.get("CI") == "true":
        pytest.fail(message + " — under CI=true a missing browser is a failure")
    warnings.warn(message, stacklevel=1)
    pytest.skip("SKIPPED LOUDLY: " + message)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served_demo(demo_site) -> Iterator[str]:
    """The demo output over HTTP on loopback (pretty URLs need a server, not file://)."""
    handler = functools.partial(QuietHandler, directory=str(demo_site.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("response", lambda response: errors.append(f"{response.status} {response.url}")
           if response.status >= 400 else None)
    tab.js_errors = errors
    yield tab
    context.close()
