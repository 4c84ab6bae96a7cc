"""Parts of the layout that every page of a language repeats, rendered once.

The header's navigation and search box and the footer's links are the same
on thousands of pages: they depend on the page's language, on ``SITEURL``
(relative URLs change with the folder depth) and, for ``aria-current``, on
which named page is shown. ``{{ fragment("agora/partials/x.html", key...) }}``
renders the partial with the page's context the first time a key is seen and
reuses the text afterwards; the key must name everything the partial reads
that changes from page to page. The text is kept in the build's memo, which
every run starts empty (a theme edit in ``agora serve`` renders them afresh).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup

from agora.core.i18n import page_lang
from agora.state import build_state

_MEMO = "core.fragments"


@pass_context
def fragment(context: Any, template_name: str, *key: Hashable) -> Markup:
    """``template_name`` rendered with the page's context, once per environment and key."""
    state = build_state(context)
    environment = context.environment
    if state is None:
        return Markup(render(environment, template_name, context))
    cache: dict[Any, Markup] = state.memo.setdefault(_MEMO, {})
    # each generator has its own environment, whose globals could differ; the language
    # gettext and url() read is part of every key
    slot = (id(environment), template_name, page_lang(context), *key)
    text = cache.get(slot)
    if text is None:
        text = cache[slot] = Markup(render(environment, template_name, context))
    return text


def render(environment: Any, template_name: str, context: Any) -> str:
    """What ``{% include template_name %}`` writes at this point of the page."""
    template = environment.get_template(template_name)
    return str(template.render(context.get_all()))


__all__ = ["fragment"]
