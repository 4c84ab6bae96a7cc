"""Language codes of subscribers and editions, and the one greeting table.

Codes are short BCP 47 tags (``fr``, ``en``, ``pt-BR``). Babel knows which
languages exist, so a typo like ``fre`` or ``english`` is refused instead of
silently creating a language no edition will ever match.
"""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|[0-9]{3}|[A-Za-z]{4}))?$")

#: ``%%GREETING%%`` replacements: (with a name, without). Languages missing here
#: fall back to English, as the newsletter's contract says.
GREETINGS: dict[str, tuple[str, str]] = {
    "fr": ("Bonjour {name},", "Bonjour,"),
    "en": ("Hello {name},", "Hello,"),
}
FALLBACK_GREETING_LANGUAGE = "en"


def normalize_language(code: str) -> str:
    """``FR`` -> ``fr``, ``pt_br`` -> ``pt-BR``; ValueError when Babel does not know it."""
    match = _TAG.match((code or "").strip())
    if not match:
        raise ValueError(f"a language code like fr, en or pt-BR, found {code!r}")
    language, subtag = match.group(1).lower(), match.group(2)
    if subtag and subtag.isalpha():
        subtag = subtag.upper() if len(subtag) == 2 else subtag.title()
    try:
        # Babel also resolves aliases (``fre`` -> ``fr``): keep its canonical form.
        locale = Locale.parse(f"{language}_{subtag}" if subtag else language)
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"a known language code like fr, en or pt-BR, found {code!r}"
                         ) from None
    parts = [locale.language, locale.script, locale.territory if subtag else None]
    return "-".join(part for part in parts if part)


def primary(code: str) -> str:
    """The language subtag: ``pt-BR`` -> ``pt``."""
    return code.split("-", 1)[0].lower()


def greeting(language: str, name: str | None) -> str:
    """"Bonjour Camille," / "Hello," ... for ``language`` (English when not in the table)."""
    with_name, without = GREETINGS.get(primary(language), GREETINGS[FALLBACK_GREETING_LANGUAGE])
    clean = " ".join((name or "").split())
    return with_name.format(name=clean) if clean else without
