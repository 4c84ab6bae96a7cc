"""Readers that validate front matter against the content model.

Markdown files may start with a YAML header between ``---`` lines; files
without one keep Pelican's native ``Key: value`` metadata, reStructuredText
keeps its field lists and HTML files their ``<meta>`` tags, so an existing
Pelican site builds unchanged. Whatever the syntax, the metadata goes through
the schema of the file's content type, which reads Pelican's own fields as
Pelican does (and notes where Agora would write them differently). A file with
errors raises :class:`ContentError` after reporting each problem, which makes
Pelican leave the page out of the build.

Pelican's readers convert ``date``, ``tags``, ``author``... as they parse;
ours keep the text as written and let the schema convert it, so a value
Pelican cannot use either (``date: 2026-13-45``) is reported with its field,
what was expected and what was found, instead of a bare "Could not process".
What fails outside the metadata (undecodable bytes, an unreadable file, a
reader's own exception) is reported the same way by :func:`explain_failures`.

We do not use pelican-yaml-metadata: on a YAML error it logs and returns no
metadata at all, and it converts fields before any schema can say what was
wrong with them.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import yaml
from markdown import Markdown
from pelican.contents import Author, Category, Tag
from pelican.readers import HTMLReader, MarkdownReader, RstReader
from pelican.utils import pelican_open

from agora.content.fields import PELICAN_DATE_EXPECTED
from agora.content.frontmatter import load_yaml, load_yaml_dates_as_text, split_front_matter
from agora.content.schema import check_references, content_type_for
from agora.problems import ContentError, Problem, problem
from agora.settings import options
from agora.state import report

#: A reader's message located in the file: "<path>:<line>: (LEVEL/n) message".
_LOCATED = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?:\([A-Z]+/\d\) )?(?P<message>.*)",
                      re.DOTALL)

#: Metadata key listing the fields of a file that no schema knows (summarized per build).
UNKNOWN_FIELDS_KEY = "agora_unknown_fields"


def display_path(source_path: str, content_root: str | None = None) -> str:
    """A path editors recognise: ``content/events/ama.md`` (see :func:`_display_path`)."""
    return _display_path(source_path, content_root, os.getcwd())


@lru_cache(maxsize=65536)
def _display_path(source_path: str, content_root: str | None, cwd: str) -> str:
    """A path editors recognise: ``content/events/ama.md``; asked several times per file.

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
    """Validate ``metadata`` for the content type owning ``source_path``.

    With ``AGORA_UNKNOWN_FIELDS = "warning"`` the fields no schema knows are
    listed in the clean metadata (:data:`UNKNOWN_FIELDS_KEY`) instead of being
    reported file by file: the build reports each such field once, with the
    number of files using it.
    """
    content_root = settings.get("PATH", "")
    rel = os.path.relpath(source_path, content_root) if content_root else source_path
    ctype = content_type_for(rel, settings)
    shown = display_path(source_path, content_root)
    if ctype is None or ctype.schema is None:
        return dict(metadata), []
    config = options(settings)
    summarized = config.unknown_fields == "warning"
    clean, problems = ctype.schema.validate(
        metadata, shown, unknown="ignore" if summarized else config.unknown_fields,
        declared=config.extra_fields)
    if summarized:
        unknown = ctype.schema.unknown_fields(metadata, config.extra_fields)
        if unknown:
            clean[UNKNOWN_FIELDS_KEY] = unknown
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
    """Turn validated values into the objects Pelican's content classes expect.

    Authors stay names here: the members capability credits members once every
    content object exists (:mod:`agora.members.authors`).
    """
    if "tags" in clean:
        clean["tags"] = [Tag(str(t), settings) for t in clean["tags"]]
    if "category" in clean:
        clean["category"] = Category(str(clean["category"]), settings)
    if "author" in clean:
        clean["author"] = Author(str(clean["author"]), settings)
    if "authors" in clean:
        clean["authors"] = [Author(str(a), settings) for a in clean["authors"]]
    return clean


class FieldValueError(ValueError):
    """A value Pelican's own metadata processing could not use, with the field it came from.

    Raised where Pelican converts metadata outside our readers' ``read`` (the
    ``DEFAULT_METADATA`` setting, dates in file names), so that the failure
    still names its field.
    """

    def __init__(self, field_name: str, value: Any, expected: str):
        super().__init__(f"{field_name}: expected {expected}, found {value!r}")
        self.field_name = field_name
        self.value = value
        self.expected = expected


class SchemaMetadata:
    """What Agora's readers share: Pelican parses, the content model converts and checks.

    While ``read`` runs, Pelican's metadata processors are skipped (the schema
    converts the text as Pelican would, and can say which field was wrong);
    outside it, Pelican's ``read_file`` converts the ``DEFAULT_METADATA`` setting
    and dates in file names with them, and a failure names its field.
    """

    settings: dict[str, Any]
    _metadata_as_written = False

    def process_metadata(self, name: str, value: Any) -> Any:
        if self._metadata_as_written:
            return value
        try:
            return super().process_metadata(name, value)  # type: ignore[misc]
        except (ValueError, OverflowError) as exc:
            expected = (PELICAN_DATE_EXPECTED if name in ("date", "modified")
                        else f"a value Pelican can read ({exc})")
            raise FieldValueError(name, value, expected) from None

    @contextmanager
    def metadata_as_written(self) -> Iterator[None]:
        self._metadata_as_written = True
        try:
            yield
        finally:
            self._metadata_as_written = False

    def finish(self, metadata: Mapping[str, Any], source_path: str,
               render_summary: Callable[[str], str] | None = None) -> dict[str, Any]:
        """Validate, report, and convert what a reader parsed (raises on errors)."""
        clean, problems = validate_metadata(metadata, source_path, self.settings)
        report_or_raise(problems, self.settings)
        if render_summary is not None and isinstance(clean.get("summary"), str):
            clean["summary"] = render_summary(clean["summary"])
        return to_pelican(clean, self.settings)


class AgoraMarkdownReader(SchemaMetadata, MarkdownReader):
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
            with self.metadata_as_written():
                content, native = super().read(source_path)  # Pelican renders its summary
            return content, self.finish(native, source_path)
        metadata = self.front_matter(header, source_path)
        content = self._agora_md.reset().convert(body)
        return content, self.finish(metadata, source_path, render_summary=self.render)

    def render(self, text: str) -> str:
        return str(self._agora_md.reset().convert(text))

    def front_matter(self, header: str, source_path: str) -> dict[str, Any]:
        """The YAML header as a dict with lowercase keys (problems reported, then raised)."""
        shown = display_path(source_path, self.settings.get("PATH"))
        try:
            raw = load_yaml(header)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else None  # +1 for the opening ---
            # PyYAML says "found unexpected end of stream": the message adds its own "found"
            what = (getattr(exc, "problem", None) or "unreadable YAML").removeprefix("found ")
            report_or_raise([problem(shown, "front matter",
                                     "expected valid YAML between --- lines",
                                     found_text=what, line=line)], self.settings)
            raise  # unreachable: report_or_raise() raised
        except ValueError:
            # YAML reads 2026-13-45 as a date and fails; as text, the schema says which field
            raw = load_yaml_dates_as_text(header)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            report_or_raise([problem(shown, "front matter", "expected `field: value` lines",
                                     raw)], self.settings)
        return {str(k).strip().lower(): v for k, v in raw.items()}


class AgoraRstReader(SchemaMetadata, RstReader):
    """reStructuredText as Pelican reads it, with the same validation."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        with self.metadata_as_written():
            content, metadata = super().read(source_path)
        return content, self.finish(metadata, source_path)


class AgoraHTMLReader(SchemaMetadata, HTMLReader):
    """Pelican's HTML content files (``<title>``, ``<meta name=... content=...>``), validated.

    Ours rather than Pelican's, so an HTML article's ``author`` or ``date`` is
    read, checked and credited exactly like a Markdown one's.
    """

    def read(self, filename: str) -> tuple[str, dict[str, Any]]:
        with self.metadata_as_written():
            content, metadata = super().read(filename)
        return content, self.finish(metadata, filename)


READERS = (AgoraMarkdownReader, AgoraRstReader, AgoraHTMLReader)


def add_readers(readers: Any) -> None:
    """``readers_init`` receiver: our readers take over their extensions."""
    for reader_class in READERS:
        for extension in reader_class.file_extensions:
            readers.reader_classes[extension] = reader_class
    readers.read_file = explain_failures(readers.read_file, readers.settings)
    _quiet_explained_failures()


# --- files that cannot be read ------------------------------------------------------------

def explain_failures(read_file: Callable[..., Any], settings: Mapping[str, Any]
                     ) -> Callable[..., Any]:
    """``Readers.read_file``, reporting why a file cannot be read before Pelican skips it."""

    def read_or_explain(*args: Any, **kwargs: Any) -> Any:
        try:
            return read_file(*args, **kwargs)
        except ContentError:
            raise  # its problems were reported
        except Exception as exc:
            base = kwargs.get("base_path", args[0] if args else "")
            path = kwargs.get("path", args[1] if len(args) > 1 else "")
            full = os.path.abspath(os.path.join(base, path))
            item = failure(display_path(full, settings.get("PATH")), full, exc)
            report(settings, item)
            raise ContentError([item]) from exc

    return read_or_explain


def failure(shown: str, full_path: str, exc: BaseException) -> Problem:
    """The problem behind an exception raised while a file was read."""
    if isinstance(exc, FieldValueError):
        return problem(shown, exc.field_name, f"expected {exc.expected}", exc.value)
    if isinstance(exc, OSError):
        return problem(shown, "file", "expected a file Pelican can open",
                       found_text=exc.strerror or str(exc))
    undecodable = undecodable_byte(full_path)
    if undecodable is not None:
        byte, line = undecodable
        return problem(shown, "encoding", "expected UTF-8 text (save the file as UTF-8)",
                       found_text=f"byte 0x{byte:02x} at line {line}", line=line)
    located = _LOCATED.match(str(exc))
    if located and os.path.abspath(located["path"]) == full_path:
        # docutils: "<path>:6: (ERROR/3) Unknown directive type ..."; the path is ours
        reason = " ".join(located["message"].split())
        return problem(shown, "content", "expected markup its reader can read",
                       found_text=reason, line=int(located["line"]))
    reason = " ".join(str(exc).split()) or "no message"
    return problem(shown, "content", "expected a file its reader can read",
                   found_text=f"{type(exc).__name__}: {reason}")


def undecodable_byte(path: str) -> tuple[int, int] | None:
    """The first byte of ``path`` that is not UTF-8, with its line (None: valid UTF-8)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[exc.start], data.count(b"\n", 0, exc.start) + 1
    return None


class _ExplainedFailures(logging.Filter):
    """Drops Pelican's bare "Could not process <file>" when the reason was already reported.

    Pelican logs it from inside its ``except`` block, so the exception being
    handled tells whether the file's problems went through :func:`report`.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        explained = isinstance(sys.exc_info()[1], ContentError)
        return not (explained and str(record.msg).startswith("Could not process"))


def _quiet_explained_failures() -> None:
    pelican_generators = logging.getLogger("pelican.generators")
    if not any(isinstance(f, _ExplainedFailures) for f in pelican_generators.filters):
        pelican_generators.addFilter(_ExplainedFailures())
