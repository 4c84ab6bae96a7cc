"""Every page type of the demo in a real browser: loads cleanly, accessible in light and dark.

Each page type is opened in both colour schemes: no console error, no failed
request, no request to another host, and axe finds no serious or critical
violation. English pages are found, not listed: each page type's ``/en/``
counterpart is tested when the build has one, so English listings join the
suite as soon as they are built.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

#: One page of each type, in the demo's default language.
PAGE_TYPES = {
    "home": "/",
    "blog": "/blog/",
    "article": "/blog/astuce-semences/",
    "category": "/category/astuces/",
    "tag": "/tag/compost/",
    "events": "/events/",
    "event": "/events/atelier-compost/",
    "past events": "/events/past/",
    "members": "/members/",
    "member": "/members/camille-roux/",
    "charter": "/charter/",
    "onboarding": "/onboarding/",
    "about": "/about/",
    "forum": "/forum/",
    "newsletter": "/newsletter/",
    "feeds": "/feeds/",
    "search": "/search/?q=compost",
    "404": "/404.html",
}
ENGLISH = "en"


def output_path(site, url):
    return site.path(urlparse(url).path)


def pages_of(site):
    """(name, URL) of every page type, and of its English counterpart when built."""
    found = list(PAGE_TYPES.items())
    for name, url in PAGE_TYPES.items():
        english = f"/{ENGLISH}{url}"
        if output_path(site, english).exists():
            found.append((f"{name} ({ENGLISH})", english))
    return found


class Visitor:
    """One tab in one colour scheme, recording what goes wrong on each page it opens."""

    def __init__(self, browser, base, scheme):
        self.base = base
        self.context = browser.new_context(color_scheme=scheme)
        self.problems: list[str] = []
        self.context.route("**/*", self.only_this_host)
        self.tab = self.context.new_page()
        self.tab.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        self.tab.on("console", lambda msg: self.problems.append(
            f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
        self.tab.on("requestfailed", self.failed)
        self.tab.on("response", lambda response: self.problems.append(
            f"{response.status}: {response.url}") if response.status >= 400 else None)

    def failed(self, request):
        # The favicon is fetched by the browser after the load event: opening the next page
        # aborts it when it is late, which says nothing of either page (a missing favicon
        # is a 404 response, reported below).
        if request.failure == "net::ERR_ABORTED" and request.resource_type == "other":
            return
        self.problems.append(f"failed: {request.url}")

    def only_this_host(self, route):
        if urlparse(route.request.url).hostname != "127.0.0.1":
            self.problems.append(f"request to another host: {route.request.url}")
            return route.abort()
        return route.continue_()

    def open(self, url):
        """Open ``url``; what went wrong while it loaded."""
        self.problems.clear()
        self.tab.goto(self.base + url)
        self.tab.wait_for_load_state("load")
        if "?q=" in url:  # the search page's results come after load
            self.tab.wait_for_selector("[data-search-results] li", timeout=10_000)
        return list(self.problems)


def test_the_english_pages_of_the_build_are_tested(demo_site):
    names = [name for name, _ in pages_of(demo_site)]
    for expected in ("charter (en)", "onboarding (en)", "about (en)"):
        assert expected in names


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_loads_cleanly_and_is_accessible(browser, demo_site, served_demo,
                                                         scheme):
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415 - browser tests only

    axe = Axe()
    visitor = Visitor(browser, served_demo, scheme)
    found = {}
    for name, url in pages_of(demo_site):
        problems = visitor.open(url)
        serious = [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]])
                   for v in axe.run(visitor.tab).response["violations"]
                   if v["impact"] in ("serious", "critical")]
        if problems or serious:
            found[f"{name} {url}"] = problems + serious
    visitor.context.close()
    assert not found, found
