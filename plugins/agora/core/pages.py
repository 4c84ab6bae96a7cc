"""Pages rendered from a template alone (home, 404, /forum/, /newsletter/...), in every language.

Every named page of :data:`agora.urls.PER_LANGUAGE` is written once per
language of the site (:func:`write_in_languages`): ``events/`` in the default
language, ``en/events/`` in English..., each rendered with ``lang`` and the
hub as a page in that language shows it (``hub.in_language(lang)``: English
translations where they exist, originals otherwise).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from functools import partial
from operator import attrgetter
from typing import Any, ClassVar

from pelican.generators import Generator

from agora.core.taxonomy import TERM_KINDS, TermsView
from agora.hub import Hub
from agora.state import build_state
from agora.urls import urls_of

logger = logging.getLogger(__name__)
#: What a page needs besides the shared context, computed from the hub in its language.
Variables = Callable[[Hub], Mapping[str, Any]]


def write_in_languages(generator: Any, writer: Any, template: str, name: str, *,
                       params: Mapping[str, Any] | None = None,
                       variables: Variables | None = None,
                       languages: tuple[str, ...] | None = None,
                       **write_options: Any) -> None:
    """Write the named page once in each language of the site (default language first).

    Templates get ``lang``, ``hub`` (in that language), ``url_name`` and
    ``url_params`` (which page this is, for hreflang links and the language
    switcher) and whatever ``variables(hub)`` returns.
    """
    settings = generator.settings
    state = build_state(settings)
    urls = urls_of(settings)
    params = dict(params or {})
    default = str(settings.get("DEFAULT_LANG") or urls.default_lang)
    wanted = languages or (state.hub.languages if state is not None else (default,))
    for lang in wanted:
        hub = state.hub.in_language(lang) if state is not None else None
        url = urls.url(name, lang=lang, **params)
        extra: dict[str, Any] = {"page_url": url, "page_name": name}
        if hub is not None:
            extra["hub"] = hub
            extra.update(variables(hub) if variables is not None else {})
        extra.update(write_options)
        writer.write_file(urls.save_as(name, lang=lang, **params),
                          generator.get_template(template), generator.context,
                          relative_urls=settings["RELATIVE_URLS"], url=url, lang=lang,
                          url_name=name, url_params=params, **extra)


def claimed_paths(context: Mapping[str, Any]) -> set[str]:
    """Output paths the site's own articles and pages are written to.

    Every standalone generator asks, and Pelican computes ``save_as`` from the
    settings at each use: the set is made once per build (per content count).
    """
    generated = context.get("generated_content") or {}
    state = build_state(context)
    key = ("claimed_paths", id(generated), len(generated))
    if state is not None and key in state.memo:
        return set(state.memo[key])
    paths = {c.save_as for c in generated.values() if c is not None and c.save_as}
    if state is not None:
        state.memo[key] = frozenset(paths)
    return paths


class StandalonePagesGenerator(Generator):
    """Writes ``pages``: (template, URL name) pairs rendered with the shared context.

    The URL name is resolved by the URL helper (``forum`` -> ``forum/``), once
    per language of the site. Plugins subclass it for their own listing pages,
    publishing what the templates need on the hub model in ``prepare``.
    """

    pages: ClassVar[tuple[tuple[str, str], ...]] = ()

    def generate_context(self) -> None:
        self.prepare()

    def prepare(self) -> None:
        """Hook: compute what the pages show once, before any page is written."""

    def variables(self, template: str, hub: Hub) -> Mapping[str, Any]:
        """Hook: what ``template`` needs besides the context, in the hub's language."""
        return {}

    def generate_output(self, writer: Any) -> None:
        urls = urls_of(self.settings)
        claimed = claimed_paths(self.context)
        for template, name in self.pages:
            if urls.save_as(name) in claimed:
                # the site's own page (an adopted site's home page saved as index.html)
                logger.info("%s: written by the site's own content, not by %s",
                            urls.save_as(name), template)
                continue
            write_in_languages(self, writer, template, name,
                               variables=partial(self.variables, template))


class HomeGenerator(StandalonePagesGenerator):
    """The home page and the 404 page."""

    pages = (("agora/home", "home"), ("agora/404", "not_found"))

    def prepare(self) -> None:
        state = build_state(self.settings)
        if state is not None:
            self.context["home_articles"] = state.hub.blog.latest(state.options.home_articles)

    def variables(self, template: str, hub: Hub) -> Mapping[str, Any]:
        if template != "agora/home":
            return {}
        return {"home_articles": hub.blog.latest(hub.options.home_articles)}


#: Pelican's direct templates Agora writes in every language -> the page's name in the URL
#: scheme (Pelican writes the default language's; :class:`BlogLanguagesGenerator` the others).
DIRECT_PAGES: Mapping[str, str] = {"index": "blog", "archives": "archives"}


def listing_name(template_name: str | None, variables: Mapping[str, Any]) -> dict[str, Any]:
    """``url_name`` (and ``url_params``) of a listing Pelican writes in the default
    language, as Agora names it in other languages: hreflang links, the switcher."""
    if template_name is None:
        return {}
    if template_name in DIRECT_PAGES:
        return {"url_name": DIRECT_PAGES[template_name]}
    if template_name in TERM_KINDS.values():
        return {"url_name": template_name}
    term = variables.get(template_name)
    if template_name in TERM_KINDS and term is not None:
        return {"url_name": template_name, "url_params": {"slug": term.slug}}
    return {}


class BlogLanguagesGenerator(Generator):
    """The blog listing (paginated), its archive, and its categories, tags and authors
    (:mod:`agora.core.taxonomy`) in each language but the default.

    Pelican writes the default language's (``DIRECT_TEMPLATES``); these list
    every article too, in the page's language where it is translated.
    """

    TEMPLATES: ClassVar[Mapping[str, str]] = DIRECT_PAGES

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer: Any) -> None:
        state = build_state(self.settings)
        if state is None:
            return
        others = tuple(lang for lang in state.hub.languages if lang != state.urls.default_lang)
        direct = self.settings.get("DIRECT_TEMPLATES") or ()
        for template, name in self.TEMPLATES.items():
            if template not in direct or not self.settings.get(f"{template.upper()}_SAVE_AS"):
                continue
            for lang in others:
                articles = list(state.hub.in_language(lang).blog.articles)
                dates = sorted(articles, key=attrgetter("date"),
                               reverse=bool(self.settings.get("NEWEST_FIRST_ARCHIVES", True)))
                save_as = state.urls.save_as(name, lang=lang)
                write_in_languages(
                    self, writer, template, name, languages=(lang,),
                    paginated={"articles": articles, "dates": dates}, template_name=template,
                    articles=articles, dates=dates, blog=True,
                    page_name=os.path.splitext(save_as)[0])
        for lang in others:
            write_term_pages(self, writer, lang, state.hub.in_language(lang).terms)


def write_term_pages(generator: Any, writer: Any, lang: str, view: TermsView) -> None:
    """The listings of every category, tag and author in ``lang``, and the index of each
    kind (where the site writes one: Agora writes no index of authors)."""
    settings = generator.settings
    for kind, index in TERM_KINDS.items():
        listings = view.listings(kind)
        if index in (settings.get("DIRECT_TEMPLATES") or ()) and settings.get(
                f"{index.upper()}_SAVE_AS"):
            listed: dict[str, Any] = {index: listings}  # ``categories`` or ``tags``
            write_in_languages(generator, writer, index, index, languages=(lang,),
                               template_name=index, blog=True, **listed)
        if not settings.get(f"{kind.upper()}_SAVE_AS"):
            continue
        for term, articles in listings:
            dates = sorted(articles, key=attrgetter("date"),
                           reverse=bool(settings.get("NEWEST_FIRST_ARCHIVES", True)))
            save_as = view.urls.save_as(kind, lang=lang, slug=term.slug)
            write_in_languages(
                generator, writer, kind, kind, languages=(lang,), params={"slug": term.slug},
                paginated={"articles": articles, "dates": dates}, template_name=kind,
                articles=articles, dates=dates, blog=True,
                page_name=os.path.splitext(save_as)[0], **{kind: term})
