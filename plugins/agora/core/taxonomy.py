"""Categories, tags and authors in every language of the site.

Pelican files the blog's articles under the categories, tags and authors of
the default language's articles, and writes their listings once. Agora writes
the same listings under ``/<lang>/`` for each other language of the site
(``en/category/astuces/``, ``en/tag/hiver/``, ``en/category/``, ``en/tag/``,
``en/author/jeanne-dupont/``), each article in that language where it is
translated, like the blog's listings; a page in that language links those: its
bylines, and the ``{author}`` links of a text in that language
(:func:`link_authors_in_language`). Authors are those Pelican writes a page
for: not members, whose bylines link their profile.

A category or tag is named in another language by the translations: a
translation's ``category`` names its original's category in the translation's
language, and its ``tags``, when it lists as many as its original, name the
original's tags in the same order. Where no translation names a term, pages
show the default language's name, marked with that language. When
translations name a term differently, the first by file path wins, and each
of them gets a warning naming the others. An author's name is a person's, in
no language: shown as written, never marked.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import unquote, urljoin, urlparse, urlunparse

from pelican.contents import Static
from pelican.urlwrappers import Author

from agora.content.reader import display_path
from agora.problems import Problem, problem
from agora.state import build_state
from agora.urls import Urls, urls_of

#: The listing template of each kind of term, and the template of the index of them.
TERM_KINDS: Mapping[str, str] = {"category": "categories", "tag": "tags", "author": "authors"}
#: Kinds named by people's names: in no language, never named by translations.
PEOPLE: frozenset[str] = frozenset({"author"})


@dataclass(frozen=True, order=True)
class Term:
    """A category, tag or author as a page in one language shows it.

    ``name`` is written in ``name_lang`` (the default language's when no
    translation names it; the page's for a person's name, which is in no
    language); ``url`` is the listing in the page's language.
    """

    kind: str
    name: str
    slug: str
    url: str
    name_lang: str

    def __str__(self) -> str:
        return self.name


#: (kind, slug of the default language's term, lang) -> the term's name in that language
TermNames = dict[tuple[str, str, str], str]


def original_terms(article: Any) -> dict[str, list[Any]]:
    """An article's category and tags, by kind."""
    category = getattr(article, "category", None)
    return {"category": [category] if category is not None else [],
            "tag": list(getattr(article, "tags", None) or [])}


def written_terms(article: Any) -> dict[str, list[Any]]:
    """The category and tags the file names: not the category Pelican gives a file
    without one (``DEFAULT_CATEGORY``, or its folder's name)."""
    terms = original_terms(article)
    settings = article.settings
    defaults = {str(settings.get("DEFAULT_CATEGORY") or "")}
    folder = os.path.dirname(getattr(article, "relative_source_path", "") or "")
    if settings.get("USE_FOLDER_AS_CATEGORY", True) and folder:
        defaults.add(os.path.basename(folder))
    terms["category"] = [c for c in terms["category"] if str(c) not in defaults]
    return terms


def learn_names(originals: Iterable[Any], root: str | None = None
                ) -> tuple[TermNames, list[Problem]]:
    """The names translations give their originals' terms, and the conflicts between them:
    each translation naming a term otherwise than another is told which one."""
    given: dict[tuple[str, str, str], dict[str, str]] = {}  # key -> name -> first file
    naming: list[tuple[tuple[str, str, str], str, Any, Any]] = []
    translations = sorted(((t, original) for original in originals
                           for t in getattr(original, "translations", None) or ()),
                          key=lambda pair: pair[0].source_path)
    for translation, original in translations:
        theirs = original_terms(original)
        for kind, terms in written_terms(translation).items():
            if len(terms) != len(theirs[kind]):
                continue
            for term, named in zip(theirs[kind], terms, strict=True):
                if str(named) != str(term):
                    key = (kind, str(term.slug), str(translation.lang))
                    given.setdefault(key, {}).setdefault(str(named), translation.source_path)
                    naming.append((key, str(named), term, translation))
    names = {key: next(iter(found)) for key, found in given.items()}
    problems = [conflict(key, named, term, translation, given[key], root)
                for key, named, term, translation in naming if len(given[key]) > 1]
    return names, problems


def conflict(key: tuple[str, str, str], named: str, term: Any, translation: Any,
             given: Mapping[str, str], root: str | None) -> Problem:
    kind, _, lang = key
    others = "; ".join(f"{display_path(path, root)} names it {name}"
                       for name, path in given.items() if name != named)
    return problem(display_path(translation.source_path, root),
                   "category" if kind == "category" else "tags",
                   f"expected one {lang} name for the {kind} {term} ({others})", named,
                   severity="warning")


def localize(kind: str, term: Any, lang: str, names: TermNames, urls: Urls) -> Term:
    """``term`` (the default language's) as a page in ``lang`` shows it."""
    name = names.get((kind, str(term.slug), lang))
    return Term(kind, name or str(term), str(term.slug),
                urls.url(kind, lang=lang, slug=term.slug),
                lang if name or kind in PEOPLE else urls.default_lang)


@dataclass
class TermsView:
    """What a page in one language shows of the blog's categories, tags and authors."""

    lang: str
    urls: Urls
    #: (kind, slug) -> the term as this language shows it (the default language's term
    #: itself in that language, else its :class:`Term`) and its articles (Pelican's lists)
    listed: dict[tuple[str, str], tuple[Any, list[Any]]] = field(default_factory=dict)

    def of(self, kind: str, term: Any) -> Any:
        """A term on a page in this language: itself in the default language, else its
        :class:`Term` when the default language lists it (a translation's own term is
        its original's)."""
        if term is None or self.lang == self.urls.default_lang:
            return term
        found = self.listed.get((kind, str(term.slug)))
        return found[0] if found else None

    def for_article(self, article: Any) -> dict[str, list[Any]]:
        """The category and tags a page shows for ``article``: those of the original (the
        article Pelican lists), as this language names them."""
        original = next((a for a in [article, *(getattr(article, "translations", None) or ())]
                         if a.lang == self.urls.default_lang), article)
        shown = {kind: [self.of(kind, t) for t in terms]
                 for kind, terms in original_terms(original).items()}
        return {kind: [t for t in terms if t is not None] for kind, terms in shown.items()}

    def category_of(self, article: Any) -> Any:
        """The category a page shows for ``article`` (None: none to link)."""
        return next(iter(self.for_article(article)["category"]), None)

    def listings(self, kind: str) -> list[tuple[Any, list[Any]]]:
        """Every term of ``kind`` with its articles, as a page in this language lists them."""
        from agora.hub import translated  # noqa: PLC0415 - the hub imports this module

        return [(term, translated(articles, self.lang))
                for (k, _), (term, articles) in self.listed.items() if k == kind]


def terms_view(blog: Any, lang: str, urls: Urls, kinds: Iterable[str] = TERM_KINDS
               ) -> TermsView:
    """The blog's categories, tags and authors (``kinds`` of them) as pages in ``lang``
    show them."""
    view = TermsView(lang, urls)
    default = lang == urls.default_lang
    of_kind = {"category": blog.categories, "tag": blog.tags, "author": blog.authors}
    for kind in kinds:
        for term, articles in of_kind[kind]:
            shown = term if default else localize(kind, term, lang, blog.term_names, urls)
            view.listed[(kind, str(term.slug))] = (shown, list(articles))
    return view


def link_authors_in_language(content: Any) -> None:
    """``content_object_init``: the ``{author}`` links of a text in another language than
    the default lead where its bylines lead, to the author's page in that language.

    Pelican resolves them when the text is shown, from ``AUTHOR_URL`` alone: the text's
    own resolver asks :func:`link_in_language` instead, whatever its text says now (a
    preview puts an edited body into the object it has). Links to members are
    ``{filename}`` links to the profile by then (:mod:`agora.members.authors`).
    """
    lang = getattr(content, "lang", None)
    if isinstance(content, Static) or not lang or lang == urls_of(content.settings).default_lang:
        return
    content._link_replacer = partial(link_in_language, content)


def link_in_language(content: Any, siteurl: str, found: re.Match[str]) -> str:
    """One link of ``content``'s text as Pelican writes it, but for an ``{author}`` link
    to an author who has a page in the text's language: that page."""
    shown = author_shown(content, found) if found["what"] == "author" else None
    if shown is None:
        return str(type(content)._link_replacer(content, siteurl, found))
    parts = list(urlparse(found["value"]))  # its query and fragment kept, as Pelican does
    parts[2] = joined(siteurl, shown.url, bool(content.settings["RELATIVE_URLS"]))
    return "".join((found["markup"], found["quote"], urlunparse(parts), found["quote"]))


def author_shown(content: Any, found: re.Match[str]) -> Term | None:
    """The author an ``{author}`` link names, as a page in the text's language lists it.

    From the blog alone, not from the hub's views: a feed shows the text before any
    page is written."""
    state = build_state(content.settings)
    if state is None:
        return None
    name = unquote(html.unescape(urlparse(found["value"]).path))
    view = terms_view(state.hub.blog, content.lang, state.urls, kinds=("author",))
    shown = view.of("author", Author(name, content.settings))
    return shown if isinstance(shown, Term) else None


def joined(siteurl: str, url: str, relative: bool) -> str:
    """``url`` (from the site's root) as Pelican links it from a text shown at ``siteurl``."""
    if relative:
        return os.path.join(siteurl, url)
    return urljoin(siteurl if siteurl.endswith("/") else siteurl + "/", url)
