"""Newsletter: archive and subscription page (digests come with the newsletter issue)."""

from __future__ import annotations

from typing import Any

from pelican import signals

from agora.core.hub import TemplatePagesGenerator


class NewsletterGenerator(TemplatePagesGenerator):
    pages = (("newsletter", "newsletter/index.html"),)

    def prepare(self) -> None:
        self.context["newsletter_options"] = self.settings.get("AGORA_NEWSLETTER", {})


def get_generators(pelican: Any) -> type:
    return NewsletterGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
