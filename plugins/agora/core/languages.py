"""Which languages a build's pages exist in, settled once every generator has read its content.

The languages of the site are the languages of its published content --
articles, pages, events, members, originals and translations alike -- the
default language first. Each one gets the named pages of
:data:`agora.urls.PER_LANGUAGE` (home, listings, /feeds/...) under ``/<lang>/``;
Pelican pages (charter, onboarding, about) exist in a language only where they
are translated.

:func:`settle` runs at ``all_generators_finalized``: the core plugin calls it,
and so does any receiver of that signal that needs ``hub.languages`` (blinker
calls receivers in no set order); the first call decides, the others read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pelican.generators import PagesGenerator

from agora.state import build_state
from agora.urls import SiteLanguages

#: Where generators keep their published content (Pelican's and Agora's own).
PUBLISHED = ("articles", "pages", "items", "translations")


def published(generators: Iterable[Any]) -> Iterable[Any]:
    """Every published content object (originals and translations) the generators read."""
    for generator in generators:
        for name in PUBLISHED:
            items = getattr(generator, name, None)
            if isinstance(items, list):
                yield from items


def find_languages(generators: list[Any], default: str) -> SiteLanguages:
    langs = {str(lang) for lang in (getattr(o, "lang", None) for o in published(generators))
             if lang}
    pages: dict[tuple[str, str], str] = {}
    for generator in generators:
        if isinstance(generator, PagesGenerator):
            for page in [*generator.pages, *generator.translations]:
                pages.setdefault((page.slug, page.lang), page.url)
    return SiteLanguages(default, (default, *sorted(langs - {default})), pages)


def settle(generators: list[Any]) -> SiteLanguages | None:
    """``hub.languages`` of this run: found on the first call, kept for the others."""
    state = build_state(generators[0].settings) if generators else None
    if state is None:
        return None
    if state.hub.site is None:
        state.hub.site = find_languages(generators, state.urls.default_lang)
    return state.hub.site
