"""Messages built from an edition, checked after a round trip through the parser."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from agora.newsletter.config import SenderSettings
from agora.newsletter.issue_files import load_issue
from agora.newsletter.languages import greeting
from agora.newsletter.message import Recipient, build_message, list_id, wire_bytes
from tests.newsletter.conftest import ISSUE_ID, bodies, parse, write_issue

NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")


def test_greeting_table():
    assert greeting("fr", "Camille") == "Bonjour Camille,"
    assert greeting("fr-CA", None) == "Bonjour,"
    assert greeting("en", "  Sam  Lee ") == "Hello Sam Lee,"
    assert greeting("de", "Jonas") == "Hello Jonas,"  # no German: English


def test_list_id_uses_site_name_then_sender_name(tmp_path: Path):
    sender = SenderSettings("Les \"Jardiniers\"", "lettre@jardiniers.example",
                            "lettre@jardiniers.example")
    output = tmp_path / "output"
    write_issue(output)
    assert list_id(load_issue(output, ISSUE_ID), sender) == \
        '"Les \\"Jardiniers\\"" <newsletter.jardiniers.example>'
    write_issue(output, site_name="Jardins")
    assert list_id(load_issue(output, ISSUE_ID), sender) == \
        '"Jardins" <newsletter.jardiniers.example>'


def test_long_urls_and_non_ascii_headers_survive_the_wire(site: Path):
    sender = SenderSettings.from_env({
        "AGORA_NEWSLETTER_FROM": "Jardiniers Éditions <lettre@jardiniers.example>",
        "AGORA_NEWSLETTER_UNSUBSCRIBE_URL": "https://jardiniers.example/un/tres/long/chemin/"
                                            "de/desabonnement?jeton={token}&source=lettre",
    })
    issue = load_issue(site, ISSUE_ID)
    recipient = Recipient("lea@example.org", "Léa Müller", "A" * 32)
    data = wire_bytes(build_message(issue, issue.editions["fr"], recipient, sender, now=NOW))
    assert b"\r\n" in data and all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert b"=?utf-8?" not in data.split(b"List-Unsubscribe:")[1].split(b"\r\nList-")[0]
    message = parse(data)
    assert message["From"].addresses[0].display_name == "Jardiniers Éditions"
    assert message["To"].addresses[0].display_name == "Léa Müller"
    url = ("https://jardiniers.example/un/tres/long/chemin/de/desabonnement?jeton="
           + "A" * 32 + "&source=lettre")
    assert message["List-Unsubscribe"].startswith(f"<{url}>, <mailto:")
    text, html = bodies(message)
    assert text.startswith("Bonjour Léa Müller,")
    assert url in text and url.replace("&", "&amp;") in html
