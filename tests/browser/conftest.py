"""Real headless Chromium (Debian's package) driven by Playwright against a local server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.chromium import serve


@pytest.fixture(scope="session")
def served_demo(demo_site) -> Iterator[str]:
    with serve(demo_site.output) as url:
        yield url


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
