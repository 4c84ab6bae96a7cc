"""Readers that validate front matter against the content model.

Markdown files may start with a YAML header between ``---`` lines; files
without one keep Pelican's native ``Key: value`` metadata, and
reStructuredText keeps its field lists, so an existing Pelican site builds
unchanged. Whatever the syntax, the metadata goes through the schema of the
file's content type. A file with errors raises :class:`ContentError` after
logging each problem, which makes Pelican leave the page out of the build.

We do not use pelican-yaml-metadata: on a YAML error it logs and returns no
metadata at all, and it converts fields before any schema can say what was
wrong with them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, ClassVar

import yaml
from markdown import Markdown
from pelican.contents import Author, Category, Tag
from pelican.readers import MarkdownReader, RstReader
from pelican.utils import pelican_open

from agora.content.frontmatter import load_yaml, split_front_matter
from agora.content.schema import check_references, content_type_for, known_keys
from agora.problems import ContentError, Problem, problem
from agora.settings import options
from agora.state import report


def display_path(source_path: str, content_root: str | None = None) -> str:
    """A path editors recognise: ``content/events/ama.md``.

    Relative to the working directory when inside it, else to the folder holding
    the content folder (builds of temporary sites, CI checkouts elsewhere).
    """
    rel = os.path.relpath(source_path)
    if not rel.startswith(".."):
        return rel.replace(os.sep, "/")
    if content_root:
        base = os.path.dirname(os.path.abspath(content_root))
        rel = os.path.relpath(source_path, base)
        if not rel.startswith(".."):
            return rel.replace(os.sep, "/")
    return source_path


def validate_metadata(
    metadata: Mapping[str, Any], source_path: str, settings: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Problem]]:
    """Validate ``metadata`` for the content type owning ``source_path``."""
    content_root = settings.get("PATH", "")
    rel = os.path.relpath(source_path, content_root) if content_root else source_path
    ctype = content_type_for(rel, settings)
    shown = display_path(source_path, content_root)
    if ctype is None or ctype.schema is None:
        return dict(metadata), []
    clean, problems = ctype.schema.validate(metadata, shown,
                                            unknown=options(settings).unknown_fields)
    problems += check_references(ctype.schema, clean, shown, settings)
    if ctype.validate is not None:
        problems += ctype.validate(clean, shown, settings)
    clean["agora_type"] = ctype.name
    return clean, problems


def report_or_raise(problems: list[Problem], settings: Mapping[str, Any]) -> None:
    """Report a file's problems; raise if any is an error, so Pelican leaves the file out."""
    report(settings, *problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)


def to_pelican(clean: dict[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Turn validated values into the objects Pelican's content classes expect."""
    if "tags" in clean:
        clean["tags"] = [Tag(str(t), settings) for t in clean["tags"]]
    if "category" in clean:
        clean["category"] = Category(str(clean["category"]), settings)
    if "author" in clean:
        clean["author"] = member_author(str(clean["author"]), settings)
    if "authors" in clean:
        clean["authors"] = [member_author(str(a), settings) for a in clean["authors"]]
    return clean


def member_author(slug: str, settings: Mapping[str, Any]) -> Author:
    """An author is a member: named as in the profile, linked by the member's slug.

    So feeds and bylines show "Sofia Martin", and ``author.url`` is the profile.
    """
    members = known_keys("member", settings) or {}
    info = members.get(slug)
    name = info.get("name") if isinstance(info, Mapping) and info.get("name") else slug
    author = Author(str(name), settings)
    author.slug = slug
    return author


class AgoraMarkdownReader(MarkdownReader):
    """Markdown with a YAML header (or Pelican's native metadata), validated."""

    file_extensions: ClassVar[list[str]] = ["md", "markdown", "mkd", "mdown"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        options = dict(self.settings["MARKDOWN"])
        options["extensions"] = [
            e for e in options.get("extensions", []) if e != "markdown.extensions.meta"
        ]
        # One Markdown instance per reader, reset between files: Pelican builds
        # a new one per file, which costs ~6 % of a build.
        self._agora_md = Markdown(**options)

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        with pelican_open(source_path) as text:
            header, body, _ = split_front_matter(text)
        if header is None:
            content, native = super().read(source_path)  # Pelican renders its summary
            return content, self._finish(native, source_path, render_summary=False)
        shown = display_path(source_path, self.settings.get("PATH"))
        try:
            raw = load_yaml(header)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else None  # +1 for the opening ---
            what = getattr(exc, "problem", None) or "unreadable YAML"
            report_or_raise([problem(shown, "front matter",
                                     "expected valid YAML between --- lines",
                                     found_text=what, line=line)], self.settings)
            raise  # unreachable: report_or_raise() raised
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            report_or_raise([problem(shown, "front matter", "expected `field: value` lines",
                                     raw)], self.settings)
        metadata = {str(k).strip().lower(): v for k, v in raw.items()}
        content = self._agora_md.reset().convert(body)
        return content, self._finish(metadata, source_path)

    def _finish(
        self, metadata: Mapping[str, Any], source_path: str, render_summary: bool = True
    ) -> dict[str, Any]:
        clean, problems = validate_metadata(metadata, source_path, self.settings)
        report_or_raise(problems, self.settings)
        if render_summary and isinstance(clean.get("summary"), str):
            clean["summary"] = self._agora_md.reset().convert(clean["summary"])
        return to_pelican(clean, self.settings)


class AgoraRstReader(RstReader):
    """reStructuredText as Pelican reads it, with the same validation."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        content, metadata = super().read(source_path)
        clean, problems = validate_metadata(metadata, source_path, self.settings)
        report_or_raise(problems, self.settings)
        return content, to_pelican(clean, self.settings)


def add_readers(readers: Any) -> None:
    """``readers_init`` receiver: our readers take over their extensions."""
    for reader_class in (AgoraMarkdownReader, AgoraRstReader):
        for extension in reader_class.file_extensions:
            readers.reader_classes[extension] = reader_class
