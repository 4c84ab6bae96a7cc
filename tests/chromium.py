"""Real headless Chromium (Debian's package) and a loopback HTTP server, shared by browser tests.

Playwright's sync API allows one running instance per process, so the suite has a
single session-scoped ``browser`` fixture (in ``tests/conftest.py``) built from here.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def require_chromium() -> None:
    """Skip loudly without Debian's chromium; under ``CI=true`` fail instead."""
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


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on loopback (pretty URLs need a server, not file://)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
