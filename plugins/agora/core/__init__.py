"""Agora's core plugin: validation, the clock, scheduling, i18n, home page, build report.

Signals used, and why:

- ``readers_init``: our readers validate front matter while files are read, so a
  broken file is left out before any listing counts it;
- ``initialized``: validate ``AGORA_*`` settings before any work, and set up the
  per-build state (the clock's "now", the problem log);
- ``generator_init``: every generator has its own Jinja environment, each needs
  the page-language gettext and date filters;
- ``article_generator_pretaxonomy``: scheduled posts leave the listings before
  categories and tags are computed (the content cache would keep Pelican's own
  future-date check stale, and it reads the wall clock);
- ``all_generators_finalized``: strict mode stops before anything is written;
- ``finalized``: write ``build.json`` once everything else has run.
"""

from __future__ import annotations

import logging
from typing import Any

from pelican import signals
from pelican.log import LimitFilter

from agora import clock
from agora.content import types as _builtin_types  # noqa: F401 - registers article, page
from agora.content.reader import add_readers
from agora.core import i18n
from agora.core.hub import HubGenerator, write_build_report
from agora.core.state import STATE_KEY, BuildState, build_state
from agora.settings import get_settings

logger = logging.getLogger(__name__)


class StrictModeError(Exception):
    """Strict mode (publishconf) found errors: nothing is published."""

    exitcode = 1


def on_initialized(pelican: Any) -> None:
    settings = pelican.settings
    agora_settings = get_settings(settings)  # raises SettingsError naming the setting
    # Every AGORA_* value, defaults included, is then in the settings (and so in the
    # template context): plugins and templates never re-state a default.
    settings.update(agora_settings)
    state = BuildState(now=clock.now(settings), strict=agora_settings.strict)
    previous = settings.get(STATE_KEY)
    if previous is not None:
        logging.getLogger().removeHandler(previous.log)
    settings[STATE_KEY] = state
    logging.getLogger().addHandler(state.log)


def on_generator_init(generator: Any) -> None:
    i18n.install(generator.env, generator.settings["THEME"])
    state = build_state(generator.settings)
    generator.env.globals.update(
        agora_now=state.now if state else clock.now(generator.settings),
        agora_nav=generator.settings.get("AGORA_NAV", []),
    )


def schedule_articles(generator: Any) -> None:
    """Future-dated articles wait, as drafts, for their date on Agora's clock."""
    state = build_state(generator.settings)
    now = state.now if state else clock.now(generator.settings)

    def split(items: list[Any]) -> tuple[list[Any], list[Any]]:
        live, waiting = [], []
        for item in items:
            (waiting if getattr(item, "date", None) and item.date > now else live).append(item)
        return live, waiting

    generator.articles, waiting = split(generator.articles)
    generator.translations, waiting_translations = split(generator.translations)
    for article in waiting + waiting_translations:
        article.status = "draft"
        article.scheduled = True
        generator.drafts.append(article)
        if state:
            # build.json is published: say that a post is scheduled, not which one
            state.change_at(article.date, "a scheduled post goes live")


def get_generators(pelican: Any) -> type:
    # Sent at the start of every run: `pelican --autoreload` runs again and again
    # with the state made once at `initialized`; each run reads the clock afresh and
    # reports only its own problems.
    state = build_state(pelican.settings)
    if state is not None:
        state.start_run(clock.now(pelican.settings))
        logging.getLogger().addHandler(state.log)  # no-op when still attached
        if state.runs > 1:
            # Pelican drops a warning already logged in this process; a preview that
            # rebuilds must say again what is still wrong.
            LimitFilter._raised_messages.clear()
            LimitFilter._group_count.clear()
    return HubGenerator


def count_content(generators: list[Any]) -> None:
    if not generators:
        return
    state = build_state(generators[0].settings)
    if state is None:
        return
    for generator in generators:
        for name in ("articles", "drafts", "pages", "items"):
            items = getattr(generator, name, None)
            if isinstance(items, list) and items:
                key = getattr(generator, "context_name", None) if name == "items" else name
                state.counts[key or name] = len(items)
    if state.strict and state.log.errors:
        raise StrictModeError(
            f"strict mode: {len(state.log.errors)} error(s), nothing was written; "
            f"first: {state.log.errors[0]}"
        )


def on_finalized(pelican: Any) -> None:
    state = build_state(pelican.settings)
    if state is None:
        return
    logging.getLogger().removeHandler(state.log)
    write_build_report(pelican.settings)
    if state.strict and state.log.errors:
        raise StrictModeError(f"strict mode: {len(state.log.errors)} error(s); "
                              f"first: {state.log.errors[0]}")


def register() -> None:
    signals.readers_init.connect(add_readers)
    signals.initialized.connect(on_initialized)
    signals.generator_init.connect(on_generator_init)
    signals.article_generator_pretaxonomy.connect(schedule_articles)
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(count_content)
    signals.finalized.connect(on_finalized)
