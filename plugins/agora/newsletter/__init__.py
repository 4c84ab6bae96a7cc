"""Newsletter: archive and subscription page (digests come with the newsletter issue)."""

from __future__ import annotations

from typing import Any

from pelican import signals

from agora.capability import Capability
from agora.core.pages import StandalonePagesGenerator


class NewsletterGenerator(StandalonePagesGenerator):
    pages = (("agora/newsletter", "newsletter"),)


def get_generators(pelican: Any) -> type:
    return NewsletterGenerator


CAPABILITY = Capability("agora.newsletter",
                        receivers=((signals.get_generators, get_generators),))


def register() -> None:
    CAPABILITY.register()
