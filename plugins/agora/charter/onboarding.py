"""The "start here" path of ``/onboarding/``, built from the rest of the site.

The onboarding page is an ordinary page (slug ``onboarding``) whose Markdown
holds the welcome text; ``onboarding.html`` adds the path computed here, so the
path never goes stale when events pass or the charter changes:

1. built-in steps, in the order of ``AGORA_ONBOARDING_STEPS``:
   ``charter`` (summary of the charter in force, in the page's language),
   ``introduce`` (the forum's introductions topic: ``AGORA_FORUM_URL`` +
   ``AGORA_FORUM_INTRODUCTIONS``; left out without a forum), ``events`` (the
   next events, those tagged for beginners or in a newcomer-friendly format
   first), ``people`` (spotlight and experts, when the members plugin provides
   them), ``subscribe`` (newsletter, feeds, calendar);
2. any page with ``onboarding_step: N`` comes right after built-in step N
   (the demo's "contribute by pull request" page is step 6).

Computed once all generators have read their content, when the upcoming
events and member lists are on the hub, and attached to each onboarding page
as ``page.onboarding``; ``hub.charter.onboarding`` (language -> page) lets the
footer link the start page in the reader's language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pelican.generators import PagesGenerator

from agora.charter.view import CharterView
from agora.hub import Hub, translated
from agora.problems import problem
from agora.state import build_state, report
from agora.urls import ForumUrls

ONBOARDING_SLUG = "onboarding"
BUILTIN_STEPS = ("charter", "introduce", "events", "people", "subscribe")


@dataclass(frozen=True)
class Step:
    """One step of the path: a built-in ``kind`` or a ``page`` (kind "page")."""

    kind: str
    page: Any = None


@dataclass(frozen=True)
class OnboardingPath:
    steps: tuple[Step, ...]
    charter: Any = None  # the charter page in force, in the page's language if translated
    introductions_url: str = ""
    forum_url: str = ""
    events: tuple[Any, ...] = ()
    events_for_beginners: bool = False  # the events were picked for newcomers


def normalise(word: str) -> str:
    """Compare tags without case or accents: "Débutants" matches "debutants"."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def pick_events(
    upcoming: Sequence[Any], tags: Iterable[str], formats: Iterable[str], count: int
) -> tuple[list[Any], bool]:
    """The next ``count`` events, newcomer-friendly ones first when there are some.

    Tagged events come before newcomer-friendly formats; cancelled events are
    never suggested. Returns the events and whether they were picked for
    beginners (else they are simply the next events).
    """
    wanted_tags = {normalise(t) for t in tags}
    wanted_formats = {normalise(f) for f in formats}
    live = [e for e in upcoming if getattr(e, "event_status", "scheduled") != "cancelled"]

    def tagged(event: Any) -> bool:
        return any(normalise(str(t)) in wanted_tags for t in getattr(event, "tags", None) or [])

    def friendly_format(event: Any) -> bool:
        return normalise(str(getattr(event, "format", ""))) in wanted_formats

    chosen = [e for e in live if tagged(e)]
    chosen += [e for e in live if friendly_format(e) and e not in chosen]
    if chosen:
        return sorted(chosen[:count], key=lambda e: e.start), True
    return live[:count], False


def in_language(page: Any, lang: str) -> Any:
    """``page`` or its translation in ``lang`` when there is one."""
    if page is None or page.lang == lang:
        return page
    for other in getattr(page, "translations", []) or []:
        if other.lang == lang:
            return other
    return page


def ordered_steps(builtins: Sequence[str], pages: Iterable[Any]) -> list[Step]:
    """Built-in steps at positions 1..n, each page right after built-in step N."""
    keyed: list[tuple[tuple[int, int, str], Step]] = [
        ((position, 0, ""), Step(kind)) for position, kind in enumerate(builtins, start=1)
    ]
    for page in pages:
        keyed.append(((page.onboarding_step, 1, str(page.title)), Step("page", page)))
    return [step for _, step in sorted(keyed, key=lambda item: item[0])]


def valid_builtins(names: Sequence[str], settings: Mapping[str, Any]) -> list[str]:
    """Known built-in step names; an unknown one is reported and skipped."""
    kept = []
    for name in names:
        if name in BUILTIN_STEPS:
            kept.append(name)
        else:
            report(settings, problem("pelicanconf.py", "AGORA_ONBOARDING_STEPS",
                                     "expected one of " + ", ".join(BUILTIN_STEPS)
                                     + " (step skipped)", name))
    return kept


def build_path(page: Any, pages: Sequence[Any], hub: Hub) -> OnboardingPath:
    """The path shown on ``page`` (an onboarding page in some language)."""
    config = hub.options
    lang = page.lang
    builtins = valid_builtins(config.onboarding_steps, page.settings)
    step_pages = []
    for candidate in pages:  # originals only; shown in the page's language
        if getattr(candidate, "onboarding_step", None) and candidate.slug != page.slug:
            step_pages.append(in_language(candidate, lang))
    charter = hub.charter.charter_for(lang) if hub.charter is not None else None
    forum = ForumUrls(config.forum_url)
    introductions_url = forum.path(config.forum_introductions) if forum else ""
    if not forum:
        builtins = [b for b in builtins if b != "introduce"]
    upcoming = hub.events.upcoming if hub.events is not None else []
    tags, formats = config.onboarding_event_tags, config.onboarding_event_formats
    events, for_beginners = pick_events(upcoming, tags, formats, config.onboarding_events)
    if hub.events is not None and events:
        # the same choice at every moment the page may be read until the next build
        events = hub.events.listing(lambda following: pick_events(
            following, tags, formats, config.onboarding_events)[0])
    if charter is None:
        builtins = [b for b in builtins if b != "charter"]
    return OnboardingPath(tuple(ordered_steps(builtins, step_pages)), charter,
                          introductions_url, forum.base, tuple(translated(events, lang)),
                          for_beginners)


def is_onboarding(page: Any) -> bool:
    return page.slug == ONBOARDING_SLUG or getattr(page, "template", "") in (
        "onboarding", "agora/onboarding")


def attach_paths(generators: Sequence[Any]) -> None:
    """``complete_hub``: give every onboarding page its path."""
    pages_generator = next((g for g in generators if isinstance(g, PagesGenerator)), None)
    state = build_state(pages_generator.settings) if pages_generator is not None else None
    if pages_generator is None or state is None:
        return
    hub = state.hub
    if hub.charter is None:
        hub.charter = CharterView(str(pages_generator.settings.get("DEFAULT_LANG") or "en"))
    originals = list(pages_generator.pages)
    for page in originals + list(pages_generator.translations):
        if is_onboarding(page):
            page.onboarding = build_path(page, originals, hub)
            hub.charter.onboarding.setdefault(page.lang, page)
