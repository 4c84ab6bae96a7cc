"""Charter pages (versioned rules with stable anchors) and the onboarding path.

Charter pages live in ``content/pages/charter/`` (``CHARTER_PATHS``): Pelican
pages with their own schema and the ``charter.html`` template. Front matter::

    title: Charte de la communauté
    slug: charter                 # the main one (AGORA_CHARTER_MAIN) is /charter/
    version: "2.1"                # the version in force
    effective: 2026-09-01         # required: when it took effect
    summary: "Plain-language summary"   # at most AGORA_CHARTER_SUMMARY_MAX characters
    changes:                      # the change history, newest first or not
      - {version: "2.1", date: 2026-09-01, summary: "What changed"}
    contacts:                     # how to report a problem
      - {label: "Équipe de modération", email: moderation@example.org}
      - "Le bouton « Signaler » sous chaque message du forum"

Rules are numbered headings (see :mod:`agora.charter.rules`); earlier versions
are read from ``versions/`` copies and git (see :mod:`agora.charter.history`)
and written at ``/charter/v/<version>/``; translations are checked for parity
(:mod:`agora.charter.parity`); ``/onboarding/`` gets its path from
:mod:`agora.charter.onboarding`.

The capability's slot of the hub model, ``hub.charter``
(:class:`~agora.charter.view.CharterView`), holds the main charter page in
force per language, the current charter pages and the onboarding pages, which
the footer, event pages and newsletter issues link.

Signals, and why:

- ``content_object_init``: a charter page's rules get their anchors while the
  object is built, so a page with duplicate rules is left out like any invalid
  file (the error names the file and the field ``rules``);
- ``page_generator_finalized``: every page has been read, so versions can be
  grouped, histories built, translations compared, and the context filled
  before any page is written;
- when the hub is complete (``Capability.complete_hub``): upcoming events and
  member lists exist; the onboarding path is computed from them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from markdown import Markdown
from pelican import signals
from pelican.contents import Page

from agora import clock
from agora.capability import Capability
from agora.charter import history as hist
from agora.charter.onboarding import attach_paths, is_onboarding
from agora.charter.parity import check_parity
from agora.charter.rules import parse_rules
from agora.charter.view import CharterView
from agora.content import fields as f
from agora.content.frontmatter import split_front_matter
from agora.content.markup import defang
from agora.content.reader import display_path, report_or_raise
from agora.content.schema import ContentType, make_schema
from agora.problems import ContentError, Problem, problem
from agora.settings import options
from agora.state import build_state, report
from agora.urls import urls_of

logger = logging.getLogger(__name__)

CHANGE = f.mapping({"version": f.text(required=True), "date": f.date_field(required=True),
                    "summary": f.text(required=True)})

CONTACT_FIELDS = f.mapping({"label": f.text(required=True), "email": f.text(), "url": f.url(),
                            "note": f.text()})


def _contact(value: Any) -> dict[str, Any]:
    """A contact is a plain sentence, or a mapping with a label and an email or URL."""
    if isinstance(value, str):
        return {"label": f.text().coerce(value)}
    contact = CONTACT_FIELDS.coerce(value)
    if "email" in contact and "@" not in contact["email"]:
        raise f.Invalid("email: an address like moderation@example.org", contact["email"])
    return contact


CONTACT = f.Field("contact", _contact)

CHARTER = make_schema(
    "charter page",
    version=f.text(required=True, help="version in force, e.g. 2.1"),
    effective=f.date_field(required=True, help="date this version took effect"),
    changes=f.list_of(CHANGE, help="change history: version, date, summary"),
    contacts=f.list_of(CONTACT, help="how to report a problem"),
    onboarding_step=f.integer(minimum=1),
)


def validate_charter(clean: dict[str, Any], path: str, settings: Mapping[str, Any]
                     ) -> list[Problem]:
    """Rules across fields: the summary's length, one history entry per version."""
    problems = []
    limit = options(settings).charter_summary_max
    summary = clean.get("summary")
    if isinstance(summary, str) and len(summary) > limit:
        problems.append(problem(path, "summary", f"expected a plain-language summary of at most "
                                f"{limit} characters (AGORA_CHARTER_SUMMARY_MAX)",
                                found_text=f"{len(summary)} characters"))
    seen: set[str] = set()
    for change in clean.get("changes", []):
        if change["version"] in seen:
            problems.append(problem(path, "changes", "expected one entry per version",
                                    found_text=f"version {change['version']} twice"))
        seen.add(change["version"])
    return problems


CONTENT_TYPE = ContentType("charter", CHARTER, paths_setting="CHARTER_PATHS", priority=10,
                           validate=validate_charter)


# --- building each charter page -------------------------------------------

def is_charter(content: Any) -> bool:
    return getattr(content, "agora_type", None) == "charter"


def is_archived_copy(content: Any) -> bool:
    """A file under ``<charter folder>/versions/``, or a version rebuilt from git."""
    if content.metadata.get("charter_archived_from"):
        return True
    settings = content.settings
    rel = os.path.relpath(content.source_path, settings.get("PATH", "")).replace(os.sep, "/")
    return any(rel.startswith(folder.strip("/") + f"/{hist.VERSIONS_FOLDER}/")
               for folder in settings.get("CHARTER_PATHS", ()))


def version_url(content: Any, slug: str, key: str) -> str:
    """URL or save_as of an earlier version, from ``CHARTER_VERSION_[LANG_]{key}``."""
    pattern = urls_of(content.settings).pattern("charter_version", key, content.lang)
    return pattern.format(slug=slug, lang=content.lang,
                          version=hist.url_safe_version(str(content.version)))


def prepare_page(content: Any) -> None:
    """``content_object_init``: templates, rule anchors, and where archived copies go."""
    if not is_charter(content):
        if isinstance(content, Page) and is_onboarding(content) and (
                "template" not in content.metadata):
            content.template = "agora/onboarding"
        return
    if "template" not in content.metadata:
        content.template = "agora/charter"
    settings = content.settings
    shown = display_path(content.source_path, settings.get("PATH"))
    parsed = parse_rules(content._content or "", shown)
    if parsed.problems and content.metadata.get("charter_archived_from") == "git":
        raise ContentError(list(parsed.problems))  # an old commit: skipped, not an error
    report_or_raise(list(parsed.problems), settings)  # an error leaves the page out
    content._content = parsed.html
    content.rules = list(parsed.rules)
    content.toc = list(parsed.headings)
    content.charter_slug = content.slug
    content.history = []
    content.archived = is_archived_copy(content)
    content.in_force = None
    if content.archived:
        content.override_url = version_url(content, content.slug, "URL")
        content.override_save_as = version_url(content, content.slug, "SAVE_AS")
        # each version its own translation group: fr and en copies of 1.0 pair up
        content.slug = f"{content.slug}-v{hist.url_safe_version(str(content.version))}"
        if content.status == "published":
            content.status = "hidden"


# --- versions, history, context, parity -------------------------------------

def markdown_for(settings: Mapping[str, Any]) -> Markdown:
    """A Markdown converter configured as the readers' (without the meta extension)."""
    options = dict(settings.get("MARKDOWN", {}))
    extensions = list(options.get("extensions", []))
    extensions += [e for e in options.get("extension_configs", {}) if e not in extensions]
    options["extensions"] = [e for e in extensions if e != "markdown.extensions.meta"]
    return Markdown(**options)


def page_from_git(current: Any, version: str, revision: hist.Revision, generator: Any,
                  converter: Markdown) -> Any | None:
    """Rebuild an earlier version of ``current`` from a committed text."""
    settings = generator.settings
    shown = f"{display_path(current.source_path, settings.get('PATH'))}@{revision.commit[:10]}"
    header, body, _ = split_front_matter(revision.text)
    try:
        raw = yaml.safe_load(header) if header else None
    except yaml.YAMLError:
        raw = None
    if not isinstance(raw, dict):
        logger.info("%s: version %s has no readable front matter; not archived", shown, version)
        return None
    clean, problems = CHARTER.validate({str(k).lower(): v for k, v in raw.items()}, shown,
                                       unknown="ignore")
    if any(p.severity == "error" for p in problems):
        logger.info("%s: version %s does not validate (%s); not archived", shown, version,
                    problems[0])
        return None
    for name in ("tags", "template", "save_as", "url", "status", "date", "modified"):
        clean.pop(name, None)
    # a committed text never went through the readers' checks: its URLs are defanged here
    if isinstance(clean.get("summary"), str):
        clean["summary"] = defang(converter.reset().convert(clean["summary"]))
    clean.update(agora_type="charter", slug=current.charter_slug, lang=current.lang,
                 charter_archived_from="git", charter_commit=revision.commit, status="hidden")
    if "template" in current.metadata:
        clean["template"] = current.metadata["template"]
    try:
        return Page(defang(converter.reset().convert(body)), metadata=clean, settings=settings,
                    source_path=current.source_path, context=generator.context)
    except ContentError:
        logger.info("%s: version %s has invalid rules; not archived", shown, version)
        return None


def add_git_versions(current: list[Any], known: set[tuple[str, str, str]], generator: Any
                     ) -> list[Any]:
    """Archived pages for each committed version no ``versions/`` copy covers."""
    added = []
    converter = markdown_for(generator.settings)
    for page in current:
        shown = display_path(page.source_path, generator.settings.get("PATH"))
        revisions = hist.git_revisions(Path(page.source_path), shown)
        if not revisions:
            continue
        versioned = []
        for revision in revisions:
            header, _, _ = split_front_matter(revision.text)
            try:
                data = yaml.safe_load(header) if header else None
            except yaml.YAMLError:
                continue
            if isinstance(data, dict) and data.get("version") not in (None, ""):
                versioned.append((str(data["version"]).strip(), revision))
        for version, revision in hist.newest_per_version(versioned, str(page.version)).items():
            if (page.charter_slug, page.lang, version) in known:
                continue
            archived = page_from_git(page, version, revision, generator, converter)
            if archived is not None:
                known.add((page.charter_slug, page.lang, version))
                added.append(archived)
    return added


def finalize_pages(generator: Any) -> None:
    """``page_generator_finalized``: versions, histories, context, translation parity."""
    settings = generator.settings
    config = options(settings)
    state = build_state(settings)
    published = list(generator.pages) + list(generator.translations)
    current = [p for p in published if is_charter(p) and not p.archived]
    archived = [p for p in list(generator.hidden_pages) + list(generator.hidden_translations)
                if is_charter(p) and p.archived]
    known = {(p.charter_slug, p.lang, str(p.version)) for p in archived}
    if config.charter_git_history and current:
        added = add_git_versions(current, known, generator)
        generator.hidden_pages.extend(added)
        archived += added

    by_group: dict[tuple[str, str], dict[str, tuple[date | None, str]]] = {}
    for page in archived:
        by_group.setdefault((page.charter_slug, page.lang), {})[str(page.version)] = (
            page.effective, page.url)
    current_by_group = {(p.charter_slug, p.lang): p for p in current}
    default_lang = settings.get("DEFAULT_LANG")
    today = clock.today(settings)
    for page in current:
        # a translation links earlier versions in its own language, else the originals
        readable = {**by_group.get((page.charter_slug, default_lang), {}),
                    **by_group.get((page.charter_slug, page.lang), {})}
        page.history = hist.build_history(str(page.version), page.effective,
                                          getattr(page, "changes", None) or [], readable)
        page.pending = page.effective > today
        if page.pending and state is not None:
            state.change_at(clock.local_midnight(page.effective, settings),
                            f"charter version {page.version} takes effect: {page.charter_slug}")
    for page in archived:
        page.in_force = (current_by_group.get((page.charter_slug, page.lang))
                         or current_by_group.get((page.charter_slug, default_lang)))
        page.history = page.in_force.history if page.in_force is not None else []

    main = {p.lang: p for p in current if p.charter_slug == config.charter_main}
    if current and not main:
        report(settings, problem("pelicanconf.py", "AGORA_CHARTER_MAIN",
                                 "expected the slug of a charter page ("
                                 + ", ".join(sorted({p.charter_slug for p in current})) + ")",
                                 config.charter_main, severity="warning"))
    if state is not None:
        state.hub.charter = CharterView(str(default_lang), main,
                                        [p for p in current if p.lang == default_lang])
    check_parity(published, settings)


CAPABILITY = Capability(
    "agora.charter",
    content_types=(CONTENT_TYPE,),
    receivers=((signals.content_object_init, prepare_page),
               (signals.page_generator_finalized, finalize_pages)),
    complete_hub=attach_paths,
)


def register() -> None:
    CAPABILITY.register()
