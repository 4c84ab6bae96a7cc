"""One page per URL, and translations that pair up.

Pelican pairs translations by slug (``ARTICLE_TRANSLATION_ID``...). When two
files of the same language share a slug, both are "originals" and both are
written to the same file: Pelican stops the whole build with
``FileOverwriteFailedError``. Agora keeps the first file (by path) and leaves
the other out with an error naming both, before any listing counts it
(:func:`drop_url_collisions`: articles before their categories and tags are
made, pages when they are read, Agora's own types in their generator).

Translations that pair with nothing are warnings (the page is published, in its
language; the language switcher misses a link) -- :func:`check_translations`:

- ``translation: true`` in a group with no original;
- several originals of one slug, none in the site's language;
- ``translation_of: <slug>`` naming no original in the site's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from agora.content.reader import display_path
from agora.problems import Problem, problem
from agora.state import build_state, report

LEFT_OUT_KEY = "left_out"


def drop_url_collisions(lists: Sequence[list[Any]], settings: Mapping[str, Any]) -> None:
    """Leave out every file written where another (first by path) is: an error each."""
    everything = [item for items in lists for item in items]
    first: dict[str, Any] = {}
    losers = []
    for item in sorted(everything, key=lambda i: i.source_path):
        save_as = getattr(item, "save_as", "")
        if not save_as:
            continue
        if save_as in first:
            losers.append((item, first[save_as]))
        else:
            first[save_as] = item
    state = build_state(settings)
    for loser, winner in losers:
        report(settings, collision(loser, winner, settings))
        if state is not None:
            state.memo.setdefault(LEFT_OUT_KEY, set()).add(loser.source_path)
        for items in lists:
            while loser in items:
                items.remove(loser)
        for item in everything:
            translations = getattr(item, "translations", None)
            if isinstance(translations, list) and loser in translations:
                translations.remove(loser)


def collision(loser: Any, winner: Any, settings: Mapping[str, Any]) -> Problem:
    """Two files of one kind at one URL: the first by path stays."""
    return url_problem(loser, winner, f"is published at {winner.save_as}; this file is "
                       "left out", settings)


def shared_url(item: Any, other: Any, save_as: str, settings: Mapping[str, Any]) -> Problem:
    """Two files of different kinds (an article and a page...) written to one URL: Pelican
    writes one over the other, so one of them would silently not be published."""
    return url_problem(item, other, f"is written to {save_as} too: only one of them can be "
                       "published there", settings)


def url_problem(item: Any, other: Any, what: str, settings: Mapping[str, Any]) -> Problem:
    root = settings.get("PATH")
    field_name = "save_as" if "save_as" in item.metadata else "slug"
    return problem(display_path(item.source_path, root), field_name,
                   f"expected a URL no other file uses ({display_path(other.source_path, root)}"
                   f" {what})", getattr(item, field_name, None))


def article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def translation_id(item: Any, settings: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields Pelican pairs this kind of content by (``()``: not paired)."""
    kind = type(item).__name__
    configured = (settings.get(f"{kind.upper()}_TRANSLATION_ID") if kind in ("Article", "Page")
                  else "slug")
    if not configured:
        return ()
    return (configured,) if isinstance(configured, str) else tuple(configured)


def marked_translation(item: Any) -> bool:
    return str(item.metadata.get("translation", "false")).lower() != "false"


def groups(contents: Iterable[Any], settings: Mapping[str, Any]) -> dict[Any, list[Any]]:
    """Content by kind and translation id, as Pelican pairs it.

    Whatever the status, unlike Pelican: the draft translation of a published
    article has its original (Pelican pairs within each status, and warns).
    """
    found: dict[Any, list[Any]] = {}
    for item in contents:
        fields = translation_id(item, settings)
        if not fields or not all(hasattr(item, f) for f in fields):
            continue
        key = (type(item).__name__, attrgetter(*fields)(item))
        found.setdefault(key, []).append(item)
    return found


def check_translations(contents: Iterable[Any], settings: Mapping[str, Any]) -> list[Problem]:
    """Warn about translations that pair with no original, and originals that compete."""
    state = build_state(settings)
    left_out = state.memo.get(LEFT_OUT_KEY, set()) if state is not None else set()
    contents = [c for c in contents if c is not None and c.source_path not in left_out]
    default_lang = settings.get("DEFAULT_LANG", "en")
    root = settings.get("PATH")
    found = []
    for items in groups(contents, settings).values():
        items.sort(key=lambda i: i.source_path)
        originals = [i for i in items if not marked_translation(i)]
        if not originals:
            found += [problem(display_path(i.source_path, root), "translation",
                              "expected an original with the same slug in another language "
                              "(a file without `translation: true`)", found_text="none",
                              severity="warning") for i in items]
        elif len({o.lang for o in originals}) > 1 and default_lang not in {
                o.lang for o in originals}:
            found += [problem(display_path(o.source_path, root), "translation",
                              f"expected `translation: true` on all but one file of this slug "
                              f"({display_path(originals[0].source_path, root)} is its "
                              f"original)", found_text="an original too", severity="warning")
                      for o in originals[1:]]
    found += translation_of_problems(contents, settings)
    report(settings, *found)
    return found


def translation_of_problems(contents: list[Any], settings: Mapping[str, Any]) -> list[Problem]:
    """``translation_of`` names an original in the site's language, of the same kind."""
    default_lang = settings.get("DEFAULT_LANG", "en")
    originals = {(type(c).__name__, c.slug) for c in contents
                 if getattr(c, "lang", None) == default_lang}
    found = []
    for item in contents:
        target = item.metadata.get("translation_of")
        if target and (type(item).__name__, target) not in originals:
            found.append(problem(
                display_path(item.source_path, settings.get("PATH")), "translation_of",
                f"expected the slug of {article(type(item).__name__.lower())} in "
                f"{default_lang}, "
                "the original this file translates", target, severity="warning"))
    return found
