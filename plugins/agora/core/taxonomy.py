"""Categories and tags in every language of the site.

Pelican files the blog's articles under the categories and tags of the
default language's articles, and writes their listings once. Agora writes the
same listings under ``/<lang>/`` for each other language of the site
(``en/category/astuces/``, ``en/tag/hiver/``, ``en/category/``, ``en/tag/``),
each article in that language where it is translated, like the blog's
listings; a page in that language links those.

A category or tag is named in another language by the translations: a
translation's ``category`` names its original's category in the translation's
language, and its ``tags``, when it lists as many as its original, name the
original's tags in the same order. Where no translation names a term, pages
show the default language's name, marked with that language. When
translations name a term differently, the first by file path wins, and each
of them gets a warning naming the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agora.content.reader import display_path
from agora.problems import Problem, problem
from agora.urls import Urls

#: The listing template of each kind of term, and the template of the index of them.
TERM_KINDS: Mapping[str, str] = {"category": "categories", "tag": "tags"}


@dataclass(frozen=True, order=True)
class Term:
    """A category or tag as a page in one language shows it.

    ``name`` is written in ``name_lang`` (the default language's when no
    translation names it); ``url`` is the listing in the page's language.
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
                lang if name else urls.default_lang)


@dataclass
class TermsView:
    """What a page in one language shows of the blog's categories and tags."""

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


def terms_view(blog: Any, lang: str, urls: Urls) -> TermsView:
    """The blog's categories and tags as pages in ``lang`` show them."""
    view = TermsView(lang, urls)
    default = lang == urls.default_lang
    for kind, listed in (("category", blog.categories), ("tag", blog.tags)):
        for term, articles in listed:
            shown = term if default else localize(kind, term, lang, blog.term_names, urls)
            view.listed[(kind, str(term.slug))] = (shown, list(articles))
    return view
