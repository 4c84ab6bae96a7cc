"""Field types of the content model.

Each field turns what an editor wrote (a YAML value, or the text of Pelican's
native ``Key: value`` metadata) into the value templates use, or raises
:class:`Invalid` saying what was expected. Messages are written for editors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pelican.readers import ensure_metadata_list
from pelican.utils import SafeDatetime, get_date


class Invalid(ValueError):
    """The value does not fit the field; the message says what was expected."""

    def __init__(self, expected: str, found: Any = ...):
        super().__init__(expected)
        self.expected = expected
        self.found = found  # ... means: the raw value as given


SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# "en", "pt-BR", "zh-Hant-TW", "fr_FR": what a language code looks like
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
# "2h", "90min", "1h30" (minutes after hours need no unit), "1 h 30 min"
DURATION_RE = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*(?:min|m)?)?\s*$", re.IGNORECASE)
ISO_DURATION_RE = re.compile(r"^P(?:T(?:(\d+)H)?(?:(\d+)M)?)$")
#: A date, or a date and time to the second, without a zone: 2026-12-03T18:00.
NAIVE_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$")


@dataclass(frozen=True)
class Field:
    """One front-matter field.

    ``ref`` names another content type ("member", "series") whose slug this
    field holds; references are checked once every file has been read.
    """

    kind: str
    coerce: Callable[[Any], Any]
    required: bool = False
    ref: str | None = None
    help: str = ""
    #: Shown in the hint of an unknown-field warning (compatibility fields are not).
    listed: bool = True
    #: An empty value means something (Pelican's ``URL:`` with nothing after it).
    keep_empty: bool = False
    #: Agora's wish for a value Pelican accepts: (raw value) -> what Agora suggests, or
    #: None when the value is already as Agora would have it. Reported as a note.
    advise: Callable[[Any], str | None] | None = None


def _text(value: Any) -> str:
    if isinstance(value, bool | list | dict):
        raise Invalid("text")
    text = str(value).strip()
    if not text:
        raise Invalid("non-empty text")
    return text


def text(required: bool = False, help: str = "") -> Field:
    return Field("text", _text, required, help=help)


def _slug(value: Any) -> str:
    text_value = str(value).strip() if not isinstance(value, list | dict) else ""
    if not SLUG_RE.match(text_value):
        raise Invalid("a slug of lowercase letters, digits and hyphens like jeanne-dupont")
    return text_value


def slug(required: bool = False, ref: str | None = None, help: str = "") -> Field:
    return Field("slug", _slug, required, ref=ref, help=help)


def _slug_advice(value: Any) -> str | None:
    if SLUG_RE.match(str(value).strip()):
        return None
    return ("a slug of lowercase letters, digits and hyphens like jeanne-dupont "
            "(URLs use the slug as written)")


def pelican_slug(help: str = "") -> Field:
    """Pelican's ``slug``: used as written, capitals and spaces included."""
    return Field("slug", _text, help=help, advise=_slug_advice)


def _language_advice(value: Any) -> str | None:
    if LANGUAGE_RE.match(str(value).strip()):
        return None
    return "a language code like en, fr or pt-BR"


def language(help: str = "") -> Field:
    """Pelican's ``lang``: any text (it only has to match DEFAULT_LANG or another file's)."""
    return Field("language", _text, help=help, advise=_language_advice)


def _translation_flag(value: Any) -> str:
    # Pelican compares the text with "false": True must become "true", not stay a bool
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text(value)


def _translation_advice(value: Any) -> str | None:
    if isinstance(value, bool) or str(value).strip().lower() in {"true", "false"}:
        return None
    return "true or false (Pelican treats anything but false as true)"


def translation_flag(help: str = "") -> Field:
    return Field("true/false", _translation_flag, help=help, advise=_translation_advice)


def names(help: str = "") -> Field:
    """Pelican's ``authors`` (and ``tags``): a list, or text split as Pelican splits it.

    "Jane Doe, John Smith" is two names; with a semicolon anywhere, only semicolons
    separate: "Okafor, Amara; Castillo, Ben" is two names too.
    """

    def coerce(value: Any) -> list[str]:
        if isinstance(value, dict | bool):
            raise Invalid("a list of text values, or text separated by commas")
        if not isinstance(value, str):
            value = [str(item) for item in (value if isinstance(value, list | tuple) else [value])]
        return [_text(item) for item in ensure_metadata_list(value)]

    return Field("list of text", coerce, help=help)


def text_or_empty(help: str = "") -> Field:
    """Text where an empty value is meaningful (``URL:`` alone: the site's root)."""

    def coerce(value: Any) -> str:
        return "" if value is None else _text(value) if str(value).strip() else ""

    return Field("text", coerce, help=help, keep_empty=True)


def _split_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        # Pelican's native metadata writes lists as "a, b, c"
        return [part.strip() for part in value.split(",") if part.strip()]
    return [value]


def list_of(item: Field, required: bool = False, help: str = "") -> Field:
    def coerce(value: Any) -> list[Any]:
        values = []
        for index, raw in enumerate(_split_list(value)):
            try:
                values.append(item.coerce(raw))
            except Invalid as exc:
                raise Invalid(f"a list of {item.kind} values; item {index + 1}: {exc.expected}",
                              raw) from None
        return values

    return Field(f"list of {item.kind}", coerce, required, ref=item.ref, help=help)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "oui", "false", "no",
                                                            "non"}:
        return value.strip().lower() in {"true", "yes", "oui"}
    raise Invalid("true or false")


def boolean(required: bool = False, help: str = "") -> Field:
    return Field("true/false", _boolean, required, help=help)


def integer(minimum: int | None = None, required: bool = False, help: str = "") -> Field:
    def coerce(value: Any) -> int:
        if isinstance(value, bool):
            raise Invalid("a whole number")
        try:
            number = int(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            raise Invalid("a whole number") from None
        if minimum is not None and number < minimum:
            raise Invalid(f"a whole number of at least {minimum}")
        return number

    return Field("whole number", coerce, required, help=help)


def choice(options: Sequence[str], required: bool = False, help: str = "") -> Field:
    allowed = tuple(options)

    def coerce(value: Any) -> str:
        normalized = str(value).strip().lower()
        if normalized not in allowed:
            raise Invalid("one of " + ", ".join(allowed))
        return normalized

    return Field("choice", coerce, required, help=help)


def _url(value: Any) -> str:
    text_value = str(value).strip()
    parsed = urlparse(text_value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid("an absolute http(s) URL like https://example.org/page")
    return text_value


def url(required: bool = False, help: str = "") -> Field:
    return Field("URL", _url, required, help=help)


def _local_datetime(value: Any, expected: str) -> datetime:
    """A datetime as written; naive means local to the content's time zone."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text_value = str(value).strip()
    try:
        return datetime.fromisoformat(text_value.replace(" ", "T", 1) if
                                      re.match(r"^\d{4}-\d\d-\d\d \d", text_value) else text_value)
    except ValueError:
        raise Invalid(expected) from None


DATETIME_EXPECTED = "ISO date-time like 2026-12-03T18:00"
DATE_EXPECTED = "ISO date like 2026-12-03"


def datetime_field(required: bool = False, help: str = "") -> Field:
    return Field("date-time", lambda v: _local_datetime(v, DATETIME_EXPECTED), required, help=help)


PELICAN_DATE_EXPECTED = (DATETIME_EXPECTED + ", or a date like 2026-12-03 "
                         "(or any other form Pelican reads, like 5 December 2014)")


def _pelican_moment(value: Any) -> datetime:
    """Every date Pelican reads (``pelican.utils.get_date``), and YAML's own dates."""
    if isinstance(value, datetime | date):
        return _local_datetime(value, PELICAN_DATE_EXPECTED)
    text_value = str(value).strip()
    if NAIVE_ISO_RE.match(text_value):
        # what dateutil gives for these, without its general parser (a third of a
        # millisecond per date, for every article)
        with suppress(ValueError):
            return datetime.fromisoformat(text_value)
    try:
        return get_date(text_value.replace("_", " "))
    except (ValueError, OverflowError):
        raise Invalid(PELICAN_DATE_EXPECTED) from None


def _date_advice(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return None
    try:
        _local_datetime(value, "")
    except Invalid:
        return "an ISO date-time like 2026-12-03T18:00 or date like 2026-12-03 (unambiguous)"
    return None


def pelican_date(required: bool = False, help: str = "") -> Field:
    """Pelican's ``date``/``modified``: a SafeDatetime, naive ones localized by Pelican."""

    def coerce(value: Any) -> SafeDatetime:
        moment = _pelican_moment(value)
        return SafeDatetime(moment.year, moment.month, moment.day, moment.hour, moment.minute,
                            moment.second, moment.microsecond, tzinfo=moment.tzinfo)

    return Field("date-time", coerce, required, help=help, advise=_date_advice)


def date_field(required: bool = False, help: str = "") -> Field:
    def coerce(value: Any) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise Invalid(DATE_EXPECTED) from None

    return Field("date", coerce, required, help=help)


def _timezone(value: Any) -> str:
    expected = "an IANA time zone like Europe/Paris or America/Montreal"
    if not isinstance(value, str):
        raise Invalid(expected)
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise Invalid(expected) from None
    return name


def timezone(required: bool = False, help: str = "") -> Field:
    return Field("time zone", _timezone, required, help=help)


DURATION_EXPECTED = "a duration like 90min, 1h30, 2h or PT1H30M (or minutes as a number)"
#: A year: longer is a typo, and would overflow the dates computed from it.
LONGEST_DURATION = timedelta(days=366)


def _duration(value: Any) -> timedelta:
    if isinstance(value, int) and not isinstance(value, bool):
        hours, minutes = 0, value
    else:
        text_value = str(value).strip()
        match = ISO_DURATION_RE.match(text_value) or DURATION_RE.match(text_value)
        if not text_value or not match or not any(match.groups()):
            raise Invalid(DURATION_EXPECTED)
        hours, minutes = (int(g) if g else 0 for g in match.groups())
    if hours * 60 + minutes <= 0:
        raise Invalid("a duration longer than zero")
    if hours * 60 + minutes > LONGEST_DURATION.total_seconds() // 60:
        raise Invalid("a duration of at most a year")
    return timedelta(hours=hours, minutes=minutes)


def duration(required: bool = False, help: str = "") -> Field:
    return Field("duration", _duration, required, help=help)


def mapping(fields: Mapping[str, Field], required: bool = False, help: str = "") -> Field:
    """A nested mapping like ``location: {name, city}``; unknown keys are refused."""

    def coerce(value: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise Invalid("a mapping with keys " + ", ".join(fields))
        clean: dict[str, Any] = {}
        for key, raw in value.items():
            if key not in fields:
                raise Invalid(f"only the keys {', '.join(fields)}; unknown key {key!r}", value)
            if raw in (None, ""):
                continue
            try:
                clean[key] = fields[key].coerce(raw)
            except Invalid as exc:
                raise Invalid(f"{key}: {exc.expected}", raw) from None
        missing = [k for k, f in fields.items() if f.required and k not in clean]
        if missing:
            raise Invalid("a mapping with " + ", ".join(missing))
        return clean

    return Field("mapping", coerce, required, help=help)
