"""What the hub knows of the charter and the onboarding path (``hub.charter``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CharterView:
    """The charter pages in force and the onboarding pages, by language.

    The footer of every page, each event page and each newsletter issue link
    the charter in force in the reader's language (:meth:`charter_for`) and the
    start page (:meth:`onboarding_for`).
    """

    default_lang: str
    in_force: dict[str, Any] = field(default_factory=dict)  # lang -> main charter page
    pages: list[Any] = field(default_factory=list)  # current charter pages, default language
    onboarding: dict[str, Any] = field(default_factory=dict)  # lang -> onboarding page

    def charter_for(self, lang: str | None) -> Any:
        return self.in_force.get(lang or "") or self.in_force.get(self.default_lang)

    def onboarding_for(self, lang: str | None) -> Any:
        return self.onboarding.get(lang or "") or self.onboarding.get(self.default_lang)
