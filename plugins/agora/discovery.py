"""How machines find and describe the hub: sitemap.xml, robots.txt, canonical addresses, cards.

- Every page says where it lives for good: ``<link rel="canonical">`` on the
  public site (:meth:`~agora.urls.Urls.absolute`), computed by
  :func:`address_of` -- the same address the sitemap lists, so they agree.
- ``sitemap.xml`` lists every page the build wrote that a search engine should
  know: published content (not drafts, scheduled posts, hidden or archived
  pages) and listings, never the 404 page; translations, and a listing in
  each language of the site, are ``xhtml:link hreflang`` alternates of each
  other (the same versions as the page's own hreflang links); ``lastmod`` is
  the content's ``modified`` or ``date`` (a listing of articles: its newest),
  never a moment after the build.
- ``robots.txt`` points at it, unless the site ships its own (``content/extra``).
- Social cards (OpenGraph, Twitter) get an absolute image: the content's own
  ``image``, else ``AGORA_SOCIAL_IMAGE``, else the theme's default card.
- The home page describes the community (``Organization``) and the site
  (``WebSite``, with a ``SearchAction`` when ``agora.search`` is active).

Without a public address (``SITEURL`` or ``PUBLIC_SITEURL``) there is nothing
absolute to point at: no canonical links and no sitemap (a note says so).

Signals used, and why:

- ``generator_init``: the template helpers (``page_address``, ``social_image``,
  ``og_locale``, ``site_structured_data``) in every Jinja environment;
- ``content_written``: Pelican sends it for every page it writes, with the
  page's context -- exactly the pages the sitemap must list (a preview that
  re-renders a few pages keeps the previous sitemap);
- ``finalized``: everything is written; the sitemap and robots.txt follow.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from babel.core import LOCALE_ALIASES
from jinja2 import pass_context
from pelican import signals

from agora.capability import Capability, plugin_names
from agora.core.i18n import versions
from agora.problems import problem
from agora.settings import options
from agora.state import build_state, report
from agora.urls import Urls

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: The first line of the robots.txt Agora writes: a file without it is the site's own.
ROBOTS_MARK = "# robots.txt written by Agora"
DEFAULT_CARD = "images/social-card.png"  # in the theme's static folder
_MEMO = "discovery.pages"


@dataclass
class SitemapEntry:
    address: str  # relative to the site root
    lastmod: datetime | None = None
    alternates: dict[str, str] = field(default_factory=dict)  # language -> address


# --- which page is being rendered, and where it lives -----------------------------------

def rendered_object(context: Mapping[str, Any]) -> Any:
    """The content object a page renders (article, page, event, member), or None (listings)."""
    written = context.get("output_file")
    for name in ("article", "page", "event", "member"):
        obj = context.get(name)
        if obj is not None and getattr(obj, "save_as", None) == written:
            return obj
    return None


def address_of(context: Mapping[str, Any]) -> str:
    """Where the page being rendered lives, relative to the site root (``blog/x/``)."""
    obj = rendered_object(context)
    if obj is not None:
        return str(obj.url)
    paginated = context.get("articles_page")
    written = str(context.get("output_file") or "")
    if paginated is not None and getattr(paginated, "save_as", None) == written:
        return str(paginated.url)
    path = PurePosixPath(written.replace(os.sep, "/"))
    if path.name == "index.html":
        parent = str(path.parent)
        return "" if parent == "." else parent + "/"
    return str(path)


def is_listed(obj: Any) -> bool:
    """Whether search engines should know this content (published, not archived)."""
    return (getattr(obj, "status", "published") == "published"
            and not getattr(obj, "archived", False) and not getattr(obj, "scheduled", False))


# --- social cards and structured data -----------------------------------------------------

def card_image(settings: Mapping[str, Any], urls: Urls, obj: Any = None) -> str:
    """The absolute image of a page's social card: its own, the site's, or the theme's."""
    own = str(getattr(obj, "image", "") or "") if obj is not None else ""
    if own:
        return urls.absolute(own.replace("{static}", "").lstrip("/"))
    configured = options(settings).social_image
    if configured:
        return urls.absolute(configured.lstrip("/"))
    return urls.absolute(f"{settings.get('THEME_STATIC_DIR', 'theme')}/{DEFAULT_CARD}")


def og_locale(lang: str) -> str:
    """OpenGraph wants language_TERRITORY: ``fr`` -> ``fr_FR``."""
    return LOCALE_ALIASES.get(lang, lang).split(".")[0]


def structured_data(settings: Mapping[str, Any], urls: Urls) -> str:
    """``Organization`` and ``WebSite`` JSON-LD of the home page, safe inside ``<script>``."""
    home = urls.absolute(urls.url("home")) or "/"
    name = str(settings.get("SITENAME") or "")
    organization: dict[str, Any] = {"@type": "Organization", "@id": home + "#organization",
                                    "name": name, "url": home}
    if settings.get("SITESUBTITLE"):
        organization["description"] = str(settings["SITESUBTITLE"])
    forum = options(settings).forum_url
    if forum:
        organization["sameAs"] = [forum]
    site: dict[str, Any] = {"@type": "WebSite", "@id": home + "#website", "name": name,
                            "url": home, "inLanguage": str(settings.get("DEFAULT_LANG") or "en"),
                            "publisher": {"@id": home + "#organization"}}
    if "agora.search" in plugin_names(settings):
        target = urls.absolute(urls.url("search")) + "?q={search_term_string}"
        site["potentialAction"] = {"@type": "SearchAction", "target": target,
                                   "query-input": "required name=search_term_string"}
    graph = {"@context": "https://schema.org", "@graph": [organization, site]}
    return json.dumps(graph, ensure_ascii=False, indent=1).replace("</", "<\\/")


def install_helpers(generator: Any) -> None:
    """``generator_init``: the helpers the head of every page calls."""
    settings = generator.settings
    state = build_state(settings)
    urls = state.urls if state is not None else Urls(settings)

    @pass_context
    def canonical(context: Any) -> str:
        return urls.absolute(address_of(context)) if urls.public_base else ""

    generator.env.globals.update(
        page_address=canonical,
        social_image=lambda obj=None: card_image(settings, urls, obj),
        og_locale=og_locale,
        site_structured_data=lambda: structured_data(settings, urls))


# --- the sitemap ----------------------------------------------------------------------------

def lastmod_of(context: Mapping[str, Any], obj: Any, now: datetime) -> datetime | None:
    """When the page last changed: the content's ``modified`` or ``date``; a listing of
    articles, its newest. None when unknown or after the build (an event's start)."""
    if obj is not None:
        found = getattr(obj, "modified", None) or getattr(obj, "date", None)
    else:
        listed = getattr(context.get("articles_page"), "object_list", None) or []
        dates = [a.date for a in listed if getattr(a, "date", None)]
        found = max(dates) if dates else None
    if not isinstance(found, datetime) or found.tzinfo is None or found > now:
        return None
    return found.replace(microsecond=0)


def record_page(path: str, context: Mapping[str, Any]) -> None:
    """``content_written``: remember a page the sitemap should list."""
    if not path.endswith(".html"):
        return
    state = build_state(context)  # the context holds every setting, the build state too
    if state is None:
        return
    if context.get("page_name") == "not_found":  # in every language
        return
    obj = rendered_object(context)
    if obj is not None and not is_listed(obj):
        return
    alternates: dict[str, str] = {}
    if obj is not None and getattr(obj, "translations", None):
        group = [obj, *[t for t in obj.translations if is_listed(t)]]
        alternates = {str(t.lang): str(t.url) for t in group}
    elif obj is None and context.get("url_name"):
        alternates = listing_versions(context, context.get("hub") or state.hub)
    entry = SitemapEntry(address_of(context), lastmod_of(context, obj, state.now), alternates)
    state.memo.setdefault(_MEMO, {})[entry.address] = entry


def listing_versions(context: Mapping[str, Any], hub: Any) -> dict[str, str]:
    """A named page's address in each language of the site (the page's hreflang links)."""
    if len(getattr(hub, "languages", ())) < 2:
        return {}
    page = context.get("articles_page")
    found = versions(hub, None, context.get("url_name"), context.get("url_params"),
                     getattr(page, "number", 1), context.get("articles_paginator"))
    return found if len(found) > 1 else {}


def sitemap_xml(entries: list[SitemapEntry], urls: Urls) -> bytes:
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    root = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in sorted(entries, key=lambda e: e.address):
        item = ElementTree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ElementTree.SubElement(item, f"{{{SITEMAP_NS}}}loc").text = urls.absolute(entry.address)
        if entry.lastmod is not None:
            ElementTree.SubElement(item, f"{{{SITEMAP_NS}}}lastmod").text = (
                entry.lastmod.isoformat())
        for lang, address in sorted(entry.alternates.items()):
            ElementTree.SubElement(item, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=lang,
                                   href=urls.absolute(address))
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(urls: Urls) -> str:
    lines = [ROBOTS_MARK, "User-agent: *", "Allow: /"]
    if urls.public_base:
        lines.append(f"Sitemap: {urls.absolute(urls.url('sitemap'))}")
    return "\n".join(lines) + "\n"


def write_files(pelican: Any) -> None:
    """``finalized``: sitemap.xml and robots.txt."""
    settings = pelican.settings
    state = build_state(settings)
    if state is None:
        return
    urls = state.urls
    output = Path(settings["OUTPUT_PATH"])
    sitemap = output / urls.save_as("sitemap")
    partial = state.report.get("incremental", {}).get("mode") == "incremental"
    if not urls.public_base:
        report(settings, problem("pelicanconf.py", "SITEURL", "expected the public address "
                                 "of the site (SITEURL or PUBLIC_SITEURL) for sitemap.xml and "
                                 "canonical links", found_text="none: they are left out",
                                 severity="note"))
    elif not (partial and sitemap.exists()):  # a preview that skipped pages keeps the sitemap
        entries = list(state.memo.get(_MEMO, {}).values())
        sitemap.parent.mkdir(parents=True, exist_ok=True)
        sitemap.write_bytes(sitemap_xml(entries, urls))
    robots = output / "robots.txt"
    if robots.exists() and not robots.read_text(encoding="utf-8").startswith(ROBOTS_MARK):
        return  # the site's own robots.txt
    robots.write_text(robots_txt(urls), encoding="utf-8")


CAPABILITY = Capability(
    "agora.discovery",
    receivers=((signals.generator_init, install_helpers),
               (signals.content_written, record_page),
               (signals.finalized, write_files)),
)


def register() -> None:
    CAPABILITY.register()
