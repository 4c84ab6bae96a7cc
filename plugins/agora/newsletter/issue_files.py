"""A BUILT newsletter issue: the contract between the site build and the sender.

The build (assembly and rendering, another part of Agora) writes, for each
issue, into the site's output folder::

    output/newsletter/<issue-id>/issue.json

``<issue-id>`` is the issue's date, like ``2026-11-20`` (letters, digits,
``.``, ``_`` and ``-`` only). ``issue.json`` holds::

    {
      "format": 1,
      "id": "2026-11-20",
      "number": 3,
      "date": "2026-11-20",
      "default_lang": "fr",
      "site_name": "Les Jardiniers du Partage",        (optional)
      "editions": {
        "fr": {"subject": "...", "preheader": "...",
               "html": "newsletter/2026-11-20/email.html",
               "text": "newsletter/2026-11-20/email.txt",
               "web_url": "https://site.example/newsletter/2026-11-20/"},
        "en": {"subject": "...", "preheader": "...",
               "html": "en/newsletter/2026-11-20/email.html",
               "text": "en/newsletter/2026-11-20/email.txt",
               "web_url": "https://site.example/en/newsletter/2026-11-20/"}
      }
    }

Rules the loader enforces (each violation is an :class:`IssueError` naming the
file, the field, what was expected and what was found):

* ``format`` is 1; ``id`` equals the folder name; ``number`` is a whole number
  of 1 or more; ``date`` is an ISO date; ``default_lang`` is one of the editions.
* Edition keys are language codes (``fr``, ``en``, ``pt-BR``); ``subject`` is
  one non-empty line (no line breaks: it becomes a header); ``preheader`` is
  text (may be empty); ``web_url`` is an absolute http(s) URL; ``html`` and
  ``text`` are paths RELATIVE TO THE OUTPUT FOLDER that stay inside it and name
  existing UTF-8 files.
* Both files contain the marker ``%%UNSUBSCRIBE_URL%%`` at least once (every
  newsletter must carry a way out) and may contain ``%%GREETING%%``; no other
  ``%%NAME%%`` marker is allowed (a typo would otherwise reach subscribers).
  The sender replaces, per subscriber, ``%%UNSUBSCRIBE_URL%%`` with that
  subscriber's unsubscribe URL and ``%%GREETING%%`` with "Bonjour Camille," /
  "Hello," ... (see :mod:`agora.newsletter.languages`), HTML-escaped in the HTML.
* Lines of ``email.txt`` are at most 78 characters (the renderer wraps them);
  the loader does not re-wrap.
* ``site_name`` (optional) is the phrase of the ``List-Id`` header; without it
  the display name of ``AGORA_NEWSLETTER_FROM`` is used.

An issue never changes once sent: the sender records a hash of every
edition's subject, HTML and text at the first send and refuses a different one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agora.newsletter.errors import IssueError
from agora.newsletter.languages import normalize_language, primary

FORMAT = 1
ISSUE_FOLDER = "newsletter"
ISSUE_FILE = "issue.json"
UNSUBSCRIBE_MARKER = "%%UNSUBSCRIBE_URL%%"
GREETING_MARKER = "%%GREETING%%"
KNOWN_MARKERS = (UNSUBSCRIBE_MARKER, GREETING_MARKER)
ISSUE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_MARKER_RE = re.compile(r"%%[A-Z][A-Z0-9_]*%%")


@dataclass(frozen=True)
class Edition:
    """One language of an issue, with its files read into memory."""

    lang: str
    subject: str
    preheader: str
    html_path: str
    text_path: str
    web_url: str
    html: str
    text: str

    def content_sha256(self) -> str:
        """Hash of what a subscriber receives (subject, HTML, text), before personalization."""
        digest = hashlib.sha256()
        for part in (self.subject, self.html, self.text):
            data = part.encode("utf-8")
            digest.update(len(data).to_bytes(8, "big"))  # unambiguous concatenation
            digest.update(data)
        return digest.hexdigest()


@dataclass(frozen=True)
class BuiltIssue:
    """An issue as built into an output folder (see the module docstring)."""

    id: str
    number: int
    date: date
    default_lang: str
    editions: dict[str, Edition]
    site_name: str
    folder: Path

    def edition_for(self, language: str | None) -> Edition:
        """The edition for a subscriber's language: exact, then same language, then default."""
        if language:
            if language in self.editions:
                return self.editions[language]
            for lang, edition in self.editions.items():
                if primary(lang) == primary(language):
                    return edition
        return self.editions[self.default_lang]

    def content_hashes(self) -> dict[str, str]:
        """Each edition's content hash, by language."""
        return {lang: edition.content_sha256() for lang, edition in sorted(self.editions.items())}

    def content_sha256(self) -> str:
        """One hash over every edition (what "the issue never changes" is checked against)."""
        canonical = json.dumps(self.content_hashes(), sort_keys=True).encode()
        return hashlib.sha256(canonical).hexdigest()

    @property
    def host(self) -> str:
        """Host of the site (from the default edition's web URL), for ``List-Id``."""
        return (urlsplit(self.editions[self.default_lang].web_url).hostname or "").lower()


def issue_path(output: Path | str, issue_id: str) -> Path:
    """``output/newsletter/<issue-id>/issue.json``."""
    return Path(output) / ISSUE_FOLDER / issue_id / ISSUE_FILE


def available_issues(output: Path | str) -> list[str]:
    """Ids of the built issues in ``output``, oldest first."""
    folder = Path(output) / ISSUE_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p.parent.name for p in folder.glob(f"*/{ISSUE_FILE}"))


def load_issue(output: Path | str, issue_id: str) -> BuiltIssue:
    """Read and check the built issue ``issue_id`` of the site built into ``output``."""
    output = Path(output)
    if not ISSUE_ID_RE.match(issue_id or ""):
        raise IssueError("issue", "an issue id like 2026-11-20 (letters, digits, . _ -)",
                         repr(issue_id))
    path = issue_path(output, issue_id)
    data = _read_json(path, output, issue_id)
    where = str(path)
    _expect(data.get("format") == FORMAT, where, "format", f"{FORMAT}", data.get("format"))
    _expect(data.get("id") == issue_id, where, "id", f"{issue_id!r} (the folder's name)",
            data.get("id"))
    number = data.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise IssueError(f"{where}: number", "a whole number of 1 or more", repr(number))
    issued = _parse_date(data.get("date"), where)
    editions = _load_editions(data.get("editions"), output, where)
    default = _language(data.get("default_lang"), f"{where}: default_lang")
    _expect(default in editions, where, "default_lang",
            f"one of the editions ({', '.join(sorted(editions))})", default)
    site_name = data.get("site_name") or ""
    _expect(isinstance(site_name, str) and _one_line(site_name), where, "site_name",
            "one line of text", site_name)
    return BuiltIssue(issue_id, number, issued, default, editions, site_name.strip(),
                      path.parent)


# --------------------------------------------------------------------------- helpers


def _read_json(path: Path, output: Path, issue_id: str) -> dict[str, Any]:
    if not path.is_file():
        known = available_issues(output)
        hint = f"built issues: {', '.join(known)}" if known else "no built issue at all"
        raise IssueError(str(path), f"the built issue {issue_id} (run the site build first)",
                         f"no such file ({hint})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IssueError(str(path), "UTF-8 JSON", f"invalid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise IssueError(str(path), "a JSON object", f"a JSON {type(data).__name__}")
    return data


def _expect(ok: bool, where: str, field: str, expected: str, found: Any) -> None:
    if not ok:
        raise IssueError(f"{where}: {field}", expected, repr(found))


def _one_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text


def _language(value: Any, where: str) -> str:
    try:
        return normalize_language(value if isinstance(value, str) else "")
    except ValueError:
        raise IssueError(where, "a language code like fr, en or pt-BR", repr(value)) from None


def _parse_date(value: Any, where: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise IssueError(f"{where}: date", "an ISO date like 2026-11-20", repr(value))


def _load_editions(value: Any, output: Path, where: str) -> dict[str, Edition]:
    if not isinstance(value, dict) or not value:
        raise IssueError(f"{where}: editions", "an object with one edition per language",
                         repr(value)[:80])
    editions: dict[str, Edition] = {}
    for key, fields in value.items():
        lang = _language(key, f"{where}: editions")
        if lang in editions:
            raise IssueError(f"{where}: editions", "one edition per language",
                             f"{key!r} twice")
        editions[lang] = _load_edition(lang, fields, output, f"{where}: editions.{key}")
    return editions


def _load_edition(lang: str, fields: Any, output: Path, where: str) -> Edition:
    if not isinstance(fields, dict):
        raise IssueError(where, "an object with subject, preheader, html, text, web_url",
                         repr(fields)[:80])
    subject = fields.get("subject")
    _expect(isinstance(subject, str) and bool(subject.strip()) and _one_line(subject),
            where, "subject", "one non-empty line of text", subject)
    preheader = fields.get("preheader", "")
    _expect(isinstance(preheader, str), where, "preheader", "text", preheader)
    web_url = fields.get("web_url")
    parts = urlsplit(web_url) if isinstance(web_url, str) else None
    _expect(parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname),
            where, "web_url", "an absolute http(s) URL", web_url)
    html = _read_body(fields.get("html"), output, f"{where}.html")
    text = _read_body(fields.get("text"), output, f"{where}.text")
    return Edition(lang, str(subject).strip(), str(preheader), str(fields["html"]),
                   str(fields["text"]), str(web_url), html, text)


def _read_body(relative: Any, output: Path, where: str) -> str:
    if not isinstance(relative, str) or not relative or relative.startswith("/"):
        raise IssueError(where, "a path relative to the output folder", repr(relative))
    root = output.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise IssueError(where, "a path inside the output folder", repr(relative))
    try:
        body = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IssueError(where, f"an existing file {relative}", "no such file") from None
    except UnicodeDecodeError:
        raise IssueError(where, "UTF-8 text", "undecodable bytes") from None
    _check_markers(body, where)
    return body


def _check_markers(body: str, where: str) -> None:
    if UNSUBSCRIBE_MARKER not in body:
        raise IssueError(where, f"the marker {UNSUBSCRIBE_MARKER} (every newsletter carries "
                         "an unsubscribe link)", "none")
    unknown = sorted(set(_MARKER_RE.findall(body)) - set(KNOWN_MARKERS))
    if unknown:
        raise IssueError(where, f"only the markers {', '.join(KNOWN_MARKERS)}",
                         ", ".join(unknown))
