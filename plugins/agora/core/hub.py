"""Generators for pages rendered from a template alone (home, 404, build report)."""

from __future__ import annotations

import json
import os
from datetime import UTC
from typing import Any, ClassVar

from pelican.generators import Generator

import agora
from agora.content.types import load_series
from agora.core.state import build_state


class TemplatePagesGenerator(Generator):
    """Writes ``pages``: (template, save_as) pairs rendered with the shared context.

    Plugins subclass it for their own listing pages (``/forum/``, ``/newsletter/``),
    adding what the templates need to the context in ``prepare``.
    """

    pages: ClassVar[tuple[tuple[str, str], ...]] = ()

    def generate_context(self) -> None:
        self.prepare()

    def prepare(self) -> None:
        """Hook: compute context entries once, before any page is written."""

    def page_variables(self, template: str, save_as: str) -> dict[str, Any]:
        url = save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as
        return {"page_name": template, "page_url": url, "lang": self.settings["DEFAULT_LANG"]}

    def generate_output(self, writer: Any) -> None:
        for template, save_as in self.pages:
            writer.write_file(
                save_as, self.get_template(template), self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=self.page_variables(template, save_as)["page_url"],
                **self.page_variables(template, save_as),
            )


class HubGenerator(TemplatePagesGenerator):
    """The home page and the 404 page."""

    pages = (("home", "index.html"), ("404", "404.html"))

    def prepare(self) -> None:
        count = self.settings.get("AGORA_HOME_ARTICLES", 5)
        self.context["home_articles"] = list(self.context.get("articles", []))[:count]
        self.context["series_by_slug"] = load_series(self.settings)


def write_build_report(settings: Any) -> dict[str, Any]:
    """Write ``output/build.json``: counts, problems and when the site next changes.

    A scheduler reads ``next_change`` to rebuild exactly when an event starts or
    ends or a scheduled post goes live.
    """
    state = build_state(settings)
    if state is None:
        return {}
    upcoming = state.next_change
    report = {
        "agora_version": agora.__version__,
        "built_at": state.now.isoformat(),
        "next_change": upcoming[0].astimezone(UTC).isoformat() if upcoming else None,
        "next_change_reason": upcoming[1] if upcoming else None,
        "counts": dict(sorted(state.counts.items())),
        "errors": list(dict.fromkeys(state.log.errors)),
        "warnings": list(dict.fromkeys(state.log.warnings + state.warnings)),
        **state.report,
    }
    path = os.path.join(settings["OUTPUT_PATH"], "build.json")
    os.makedirs(settings["OUTPUT_PATH"], exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False, sort_keys=False)
        handle.write("\n")
    return report
