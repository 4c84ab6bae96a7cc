"""Subscribers in and out as CSV: ``email,name,language,status`` (+ ``token`` on request).

Import rules (the re-import of an old list must never resubscribe someone who
left):

* the header names the columns; ``email`` is required, ``name``, ``language``
  and ``status`` are optional, in any order; an unknown column refuses the file;
* a new address is added with the given values (status ``subscribed`` when the
  column is absent or empty, language empty = the site's default language);
* an existing address gets the name and language given on the line (empty
  cells change nothing); its status changes ONLY when the line says so
  explicitly -- ``subscribed`` resubscribes, ``unsubscribed`` / ``bounced``
  stop deliveries; an empty or absent status keeps the current one;
* a malformed line (bad address, unknown status, unknown language code, wrong
  number of cells) is reported with its line number and skipped; the rest is
  imported, in one transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from agora.newsletter.errors import InvalidSubscriberError, NewsletterError
from agora.newsletter.store import (
    NewsletterStore,
    check_address,
    check_language,
    check_status,
)

COLUMNS = ("email", "name", "language", "status")
TOKEN_COLUMN = "token"


class CsvFormatError(NewsletterError):
    """The file as a whole cannot be read (no header, unknown columns)."""


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    #: (line number, why) of every skipped line; addresses in reasons are masked.
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"imported {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
                f"skipped {len(self.skipped)}")


def _header(reader: Iterable[list[str]], source: str) -> list[str]:
    try:
        header = [cell.strip().lower() for cell in next(iter(reader))]
    except StopIteration:
        raise CsvFormatError(f"{source}: expected a header line like "
                             f"{','.join(COLUMNS)}, found an empty file") from None
    unknown = [name for name in header if name not in COLUMNS]
    if "email" not in header or unknown or len(set(header)) != len(header):
        raise CsvFormatError(f"{source}: line 1: expected a header with email and optionally "
                             f"name, language, status, found {','.join(header)!r}")
    return header


def _check_line(values: dict[str, str]) -> dict[str, str | None]:
    """The line's values, validated; empty cells become None ("not given")."""
    email = check_address(values["email"])
    language = values.get("language", "").strip()
    status = values.get("status", "").strip()
    return {
        "email": email,
        "name": values.get("name", "").strip() or None,
        "language": check_language(language) if language else None,
        "status": check_status(status) if status else None,
    }


def import_csv(store: NewsletterStore, stream: IO[str], source: str = "CSV") -> ImportReport:
    """Import subscribers from ``stream`` (see the module docstring for the rules)."""
    reader = csv.reader(stream)
    header = _header(reader, source)
    report = ImportReport()
    with store.transaction() as db:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are not errors
            if len(cells) != len(header):
                report.skipped.append((line, f"expected {len(header)} cells, "
                                             f"found {len(cells)}"))
                continue
            try:
                values = _check_line(dict(zip(header, cells, strict=True)))
            except InvalidSubscriberError as exc:
                # The messages show values masked already (see store.check_address).
                report.skipped.append((line, str(exc)))
                continue
            action = store.upsert(db, str(values["email"]), name=values["name"],
                                  language=values["language"], status=values["status"])
            setattr(report, action, getattr(report, action) + 1)
    return report


def export_csv(store: NewsletterStore, stream: IO[str], *, status: str | None = None,
               with_tokens: bool = False) -> int:
    """Write subscribers as CSV (the import's columns, + token on request); return the count."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([*COLUMNS, TOKEN_COLUMN] if with_tokens else list(COLUMNS))
    count = 0
    for subscriber in store.subscribers(status):
        row = [subscriber.email, subscriber.name, subscriber.language or "", subscriber.status]
        writer.writerow([*row, subscriber.token] if with_tokens else row)
        count += 1
    return count
