"""Fields no schema knows: one warning per field per build, the files in the build report.

A site moving to Agora brings its theme's own fields (``comments``,
``mathjax``, ``og_image``...) in every file. One line per file would bury
every other warning, so the readers only list such fields in each file's
metadata (:data:`~agora.content.reader.UNKNOWN_FIELDS_KEY`, which survives
Pelican's cache and parallel reading) and, once everything is read, each
field is reported once with the number of files using it. The files
themselves are in ``output/build.json`` (``unknown_fields``) and in ``agora
check --verbose``. ``AGORA_EXTRA_FIELDS`` declares the fields a theme reads on
purpose: they are kept for its templates and never reported.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from agora.content.reader import UNKNOWN_FIELDS_KEY, display_path
from agora.content.schema import content_model
from agora.problems import Problem, problem
from agora.settings import options
from agora.state import build_state, report

REPORT_KEY = "unknown_fields"
DECLARE = "declare it in AGORA_EXTRA_FIELDS if your theme uses it"
UNKNOWN_FOUND = "a field no schema knows"


def unknown_fields(contents: Iterable[Any], settings: Mapping[str, Any]
                   ) -> dict[str, dict[str, str]]:
    """Field name -> {file as editors see it: content type} for every field no schema knows."""
    found: dict[str, dict[str, str]] = {}
    for content in contents:
        if content is None:  # a file left out of the build: its errors were reported
            continue
        metadata = getattr(content, "metadata", None) or {}
        shown = display_path(content.source_path, settings.get("PATH"))
        for name in metadata.get(UNKNOWN_FIELDS_KEY) or ():
            found.setdefault(name, {})[shown] = str(metadata.get("agora_type", "content"))
    return {name: dict(sorted(files.items())) for name, files in sorted(found.items())}


def summary(name: str, files: Mapping[str, str], settings: Mapping[str, Any]) -> Problem:
    """The one warning about field ``name``, wherever it is used."""
    types = sorted(set(files.values()))
    schemas = [t.schema for n, t in content_model(settings).types.items()
               if n in types and t.schema is not None]
    if len(files) == 1 and len(schemas) == 1:
        # one file: as likely a typo as a theme's field, so show what it could have been
        path = next(iter(files))
        return problem(path, name, f"{schemas[0].unknown_field_hint(name)} (or {DECLARE})",
                       found_text=UNKNOWN_FOUND, severity="warning")
    known = sorted({name for schema in schemas for name, spec in schema.fields.items()
                    if spec.listed})
    close = difflib.get_close_matches(name, known, n=2, cutoff=0.75)
    kinds = " or ".join(types)
    expected = f"expected {'an' if kinds[:1] in 'aeiou' else 'a'} {kinds} field"
    if close:
        expected += f" (did you mean {' or '.join(close)}?)"
    content_folder = display_path(str(settings.get("PATH", "content")), settings.get("PATH"))
    return problem(content_folder, name, f"{expected}; {DECLARE}",
                   found_text=f"{UNKNOWN_FOUND}, in {len(files)} files "
                              f"(agora check --verbose lists them)", severity="warning")


def summarize_unknown_fields(generators: list[Any]) -> None:
    """``all_generators_finalized``: one warning per unknown field, the files in build.json."""
    if not generators:
        return
    settings = generators[0].settings
    state = build_state(settings)
    if state is None or options(settings).unknown_fields != "warning":
        return
    contents = generators[0].context.get("generated_content", {}).values()
    found = unknown_fields(contents, settings)
    state.report[REPORT_KEY] = {name: list(files) for name, files in found.items()}
    for name, files in found.items():
        report(settings, summary(name, files, settings))
