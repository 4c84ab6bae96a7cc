"""Interface strings: the French catalog covers every template string."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import REPO


def template_messages() -> set[str]:
    found = set()
    method_map = [("**.html", "jinja2")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO / "theme" / "templates"), method_map, options_map=options
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_template_string_has_a_french_translation():
    with Path(REPO / "theme/translations/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = sorted(m for m in template_messages() if not (catalog.get(m) and catalog[m].string))
    assert not missing, f"untranslated: {missing}"


def test_templates_have_strings_to_translate():
    assert len(template_messages()) > 50
