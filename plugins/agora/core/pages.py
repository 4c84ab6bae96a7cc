"""Pages rendered from a template alone (home, 404, /forum/, /newsletter/...)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from pelican.generators import Generator

from agora.state import build_state
from agora.urls import urls_of

logger = logging.getLogger(__name__)


def claimed_paths(context: Mapping[str, Any]) -> set[str]:
    """Output paths the site's own articles and pages are written to."""
    contents = (context.get("generated_content") or {}).values()
    return {c.save_as for c in contents if c is not None and c.save_as}


class StandalonePagesGenerator(Generator):
    """Writes ``pages``: (template, URL name) pairs rendered with the shared context.

    The URL name is resolved by the URL helper (``forum`` -> ``forum/``). Plugins
    subclass it for their own listing pages, publishing what the templates need
    on the hub model in ``prepare``.
    """

    pages: ClassVar[tuple[tuple[str, str], ...]] = ()

    def generate_context(self) -> None:
        self.prepare()

    def prepare(self) -> None:
        """Hook: compute what the pages show once, before any page is written."""

    def generate_output(self, writer: Any) -> None:
        urls = urls_of(self.settings)
        claimed = claimed_paths(self.context)
        for template, name in self.pages:
            url = urls.url(name)
            if urls.save_as(name) in claimed:
                # the site's own page (an adopted site's home page saved as index.html)
                logger.info("%s: written by the site's own content, not by %s",
                            urls.save_as(name), template)
                continue
            writer.write_file(urls.save_as(name), self.get_template(template), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], url=url,
                              page_name=name, page_url=url, lang=self.settings["DEFAULT_LANG"])


class HomeGenerator(StandalonePagesGenerator):
    """The home page and the 404 page."""

    pages = (("agora/home", "home"), ("agora/404", "not_found"))

    def prepare(self) -> None:
        state = build_state(self.settings)
        if state is not None:
            self.context["home_articles"] = state.hub.blog.latest(state.options.home_articles)
