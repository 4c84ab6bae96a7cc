"""Agora's core plugin: options, clock, hub model, validation, scheduling, i18n, home, report.

Signals used, and why:

- ``readers_init``: our readers validate front matter while files are read, so a
  broken file is left out before any listing counts it;
- ``initialized``: validate ``AGORA_*`` settings before any work, and set up the
  per-build state (options, URL helper, the clock's "now", the hub model);
- ``get_generators``: sent at the start of every run (``--autoreload`` runs
  again and again): the run reads the clock afresh and gets a new hub model;
  the home and 404 pages are one more generator;
- ``generator_init``: every generator has its own Jinja environment, each needs
  the page-language gettext, the date filters, ``url()`` and ``hub``;
- ``content_object_init``: ``{author}`` links in a text in another language than
  the default lead to the author's page in that language
  (:mod:`agora.core.taxonomy`);
- ``article_generator_pretaxonomy``: scheduled posts leave the listings before
  categories and tags are computed (the content cache would keep Pelican's own
  future-date check stale, and it reads the wall clock);
- ``article_generator_finalized``: the blog's slot of the hub model;
- ``all_generators_finalized``: every generator has read its content: fields
  no schema knows are reported once each; the languages of the site are
  settled; each active capability completes the hub, in the order of
  ``PLUGINS`` (``Capability.complete_hub``); then strict mode stops before
  anything is written;
- ``finalized``: write ``build.json`` once everything else has run (work started
  beside the build, such as the search index, is waited for).
"""

from __future__ import annotations

import logging
from typing import Any

from jinja2 import pass_context
from pelican import signals
from pelican.log import LimitFilter

from agora import clock
from agora.capability import Capability, active_capabilities
from agora.content.checks import outside_repository
from agora.content.links import check_file_links, check_page_links, unlink_pageless_authors
from agora.content.pairing import check_translations, drop_url_collisions
from agora.content.reader import add_readers
from agora.content.types import CONTENT_TYPES, load_series
from agora.content.unknown import summarize_unknown_fields
from agora.core import i18n, languages
from agora.core.fragments import fragment
from agora.core.pages import BlogLanguagesGenerator, HomeGenerator
from agora.core.report import write_build_report
from agora.core.taxonomy import learn_names, link_authors_in_language
from agora.hub import Hub
from agora.state import STATE_KEY, BuildState, build_state, report

logger = logging.getLogger(__name__)


class StrictModeError(Exception):
    """Strict mode (publishconf) found errors: nothing is published."""

    exitcode = 1


def on_initialized(pelican: Any) -> None:
    settings = pelican.settings
    hub = Hub.for_settings(settings)  # raises SettingsError naming a bad AGORA_* setting
    state = BuildState(now=hub.now, options=hub.options, urls=hub.urls, hub=hub)
    previous = build_state(settings)
    if previous is not None:
        logging.getLogger().removeHandler(previous.log)
    settings[STATE_KEY] = state
    logging.getLogger().addHandler(state.log)


def start_run(pelican: Any) -> tuple[type, ...]:
    """``get_generators``: each run reads the clock afresh and reports only its own problems."""
    state = build_state(pelican.settings)
    if state is not None:
        hub = Hub(now=clock.read(pelican.settings), zone=clock.site_zone(pelican.settings),
                  options=state.options, urls=state.urls)
        state.start_run(hub.now, hub)
        logging.getLogger().addHandler(state.log)  # no-op when still attached
        if state.runs > 1:
            # Pelican drops a warning already logged in this process; a preview that
            # rebuilds must say again what is still wrong.
            LimitFilter._raised_messages.clear()
            LimitFilter._group_count.clear()
    return HomeGenerator, BlogLanguagesGenerator


def on_generator_init(generator: Any) -> None:
    i18n.install(generator.env, generator.settings["THEME"])
    generator.env.globals["fragment"] = fragment
    state = build_state(generator.settings)
    if state is None:
        return
    generator.env.globals.update(hub=state.hub, url=i18n.url_function(state.urls.url),
                                 options=state.options, nav=navigation(state),
                                 page_versions=i18n.page_versions)
    generator.env.filters["site_link"] = site_link


@pass_context
def site_link(context: Any, url: str) -> str:
    """``{{ item.url|site_link }}``: the site's own absolute URLs become ordinary internal
    links (``SITEURL`` + path); another site's stay as they are."""
    state = build_state(context)
    local = state.urls.local(url) if state is not None else None
    return url if local is None else f"{context.get('SITEURL', '')}/{local}"


def navigation(state: BuildState) -> list[tuple[str, str, str]]:
    """(label, URL, page name) of the main navigation; the label is an English message id."""
    from agora.urls import LABELS  # noqa: PLC0415 - small table next to the URL helper

    entries = []
    for label, target in state.options.nav:
        if label:
            entries.append((label, target, ""))
        else:
            entries.append((LABELS.get(target, target.title()), state.urls.url(target), target))
    return entries


def schedule_articles(generator: Any) -> None:
    """Future-dated articles wait, as drafts, for their date on Agora's clock.

    First, of two articles written to one URL only the first (by path) stays.
    """
    drop_url_collisions([generator.articles, generator.translations, generator.hidden_articles,
                         generator.hidden_translations, generator.drafts,
                         generator.drafts_translations], generator.settings)
    state = build_state(generator.settings)
    now = clock.now(generator.settings)

    def split(items: list[Any]) -> tuple[list[Any], list[Any]]:
        live: list[Any] = []
        waiting: list[Any] = []
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


def one_page_per_url(generator: Any) -> None:
    """``page_generator_finalized``: of two pages written to one URL, the first stays."""
    drop_url_collisions([generator.pages, generator.translations, generator.hidden_pages,
                         generator.hidden_translations, generator.draft_pages,
                         generator.draft_translations], generator.settings)


def keep_static_files_inside(generator: Any) -> None:
    """``static_generator_finalized``: a file linking out of the repository is not copied."""
    outside = outside_repository(generator.staticfiles, generator.settings)
    for static in outside:
        generator.staticfiles.remove(static)


def publish_blog(generator: Any) -> None:
    """``article_generator_finalized``: the blog's slot of the hub model."""
    state = build_state(generator.settings)
    if state is None:
        return
    blog = state.hub.blog
    blog.articles = list(generator.articles)
    blog.translations = list(generator.translations)
    blog.series = load_series(generator.settings)
    blog.unpublished = [*generator.drafts, *generator.drafts_translations]
    blog.categories = list(generator.categories)
    blog.tags = list(generator.tags.items())
    blog.authors = [(author, articles) for author, articles in generator.authors
                    if author.save_as]  # a member credited in a byline has none
    blog.term_names, problems = learn_names(generator.articles, generator.settings.get("PATH"))
    report(generator.settings, *problems)


def complete_hub(generators: list[Any]) -> None:
    """``all_generators_finalized``: capabilities derive what needs the others, in order."""
    state = build_state(generators[0].settings) if generators else None
    if state is None:
        return
    summarize_unknown_fields(generators)
    languages.settle(generators)
    unlink_pageless_authors((generators[0].context.get("generated_content") or {}).values(),
                            state.hub.blog.authors_with_pages, generators[0].settings)
    for capability in active_capabilities(generators[0].settings):
        if capability.complete_hub is not None:
            capability.complete_hub(generators)
    context = generators[0].context
    check_file_links(context, generators[0].settings)
    check_translations(list((context.get("generated_content") or {}).values()),
                       generators[0].settings)
    count_content(generators, state)


def count_content(generators: list[Any], state: BuildState) -> None:
    for generator in generators:
        for name in ("articles", "drafts", "pages", "items"):
            items = getattr(generator, name, None)
            if isinstance(items, list) and items:
                key = getattr(generator, "context_name", None) if name == "items" else name
                state.counts[key or name] = len(items)
    if state.strict and state.errors:
        raise StrictModeError(f"strict mode: {len(state.errors)} error(s), nothing was "
                              f"written; first: {state.errors[0]}")


def on_finalized(pelican: Any) -> None:
    state = build_state(pelican.settings)
    if state is None:
        return
    check_page_links(pelican.settings)
    state.wait_for_background()
    logging.getLogger().removeHandler(state.log)
    write_build_report(pelican.settings)
    if state.strict and state.errors:
        raise StrictModeError(f"strict mode: {len(state.errors)} error(s); "
                              f"first: {state.errors[0]}")


CAPABILITY = Capability(
    "agora.core",
    content_types=CONTENT_TYPES,
    receivers=(
        (signals.readers_init, add_readers),
        (signals.initialized, on_initialized),
        (signals.get_generators, start_run),
        (signals.generator_init, on_generator_init),
        (signals.content_object_init, link_authors_in_language),
        (signals.article_generator_pretaxonomy, schedule_articles),
        (signals.article_generator_finalized, publish_blog),
        (signals.page_generator_finalized, one_page_per_url),
        (signals.static_generator_finalized, keep_static_files_inside),
        (signals.all_generators_finalized, complete_hub),
        (signals.finalized, on_finalized),
    ),
)


def register() -> None:
    CAPABILITY.register()
