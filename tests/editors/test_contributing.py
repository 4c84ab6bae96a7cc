"""CONTRIBUTING.md stays true: each message of its table is what `agora check` says today,
on the demo hub with one broken file per message."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO, write_files
from tests.editors.conftest import agora, copy_hub

LONG_SUMMARY = "Une charte. " * 54 + "Fin du text"  # 659 characters
BROKEN = {
    "articles/date.md": "---\ntitle: Date\ndate: 27 octobre 2026\n---\nx\n",
    "articles/untitled.md": "---\ndate: 2026-10-01\n---\nx\n",
    "articles/quote.md": "---\ntitle: \"Oops\n---\nx\n",
    "articles/tgas.md": "---\ntitle: Tgas\ndate: 2026-10-01\ntgas: [x]\n---\nx\n",
    "articles/typo.md": "---\ntitle: Typo\ndate: 2026-10-01\nauthor: sofia-martine\n---\nx\n",
    "articles/withheld.md": "---\ntitle: W\ndate: 2026-10-01\nauthor: marc-petit\n---\nx\n",
    "articles/thanks.md": "---\ntitle: T\ndate: 2026-10-01\n---\n[Marc]({author}Marc Petit)\n",
    "articles/merci.md": "---\ntitle: M\ndate: 2026-10-01\n---\n[Léa]({author}Léa Traductrice)\n",
    # the demo's astuce-paillage-en.md names the category Astuces "Tips" in English
    "articles/astuce-outils-en.md": "---\ntitle: Tools\nslug: astuce-outils\nlang: en\n"
                                    "date: 2026-11-17T08:00\ncategory: Hints\n---\nx\n",
    "articles/series.md": "---\ntitle: S\ndate: 2026-10-01\nseries: astuces-du-lundi\n"
                          "forum_topic: abc\n---\nx\n",
    "articles/links.md": "---\ntitle: L\ndate: 2026-10-01\n---\n![](../images/photo.jpg)\n",
    "articles/lien.md": "---\ntitle: M\ndate: 2026-10-01\n---\n"
                        "[la modération]({filename}moderation.md)\n",
    "events/ama.md": "---\ntitle: AMA\nstart: 2026-12-10T18:00\nend: 2026-12-10T17:00\n"
                     "hosts: [amina-dialo]\ntimezone: Europe/Pariss\n---\nx\n",
    "events/bad.md": "---\ntitle: Bad\nstart: 2026-12-10T18:00\nduration: une heure\n"
                     "rrule: FREQ=WEEKLI;BYDAY=TU\nformat: apero\nstatus: annulé\n"
                     "online_url: visio.example/x\n---\nx\n",
    "events/place.md": "---\ntitle: P\nstart: 2026-12-10T18:00\nattendance: in-person\n---\nx\n",
    "members/old.md": "---\nname: Old\nconsent: true\nreconfirmed: 2024-06-01\n---\nx\n",
    "members/photo.md": "---\nname: Photo\nconsent: true\nreconfirmed: 2026-06-01\n"
                        "avatar: images/members/camille.jpg\n---\nx\n",
    "pages/charter/longue.md": f"---\ntitle: Longue\nversion: \"1.0\"\neffective: 2026-01-01\n"
                               f"summary: \"{LONG_SUMMARY}\"\n---\nx\n",
}


def table() -> list[tuple[str, str]]:
    """(severity, message as shown, "…" where shortened) of each row of the messages table."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index("## `agora check` messages"):]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith(("| message", "|---")):
            continue
        first = line.split(" | ")[0][2:]
        severity = first.split(" ", 1)[0] if first.startswith(("warning", "note")) else "error"
        rows.append((severity, re.search(r"`([^`]+)`", first).group(1)))
    return rows


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    root = copy_hub(tmp_path_factory.mktemp("contributing-hub"))
    write_files(root / "content", BROKEN)
    assert len(LONG_SUMMARY) == 659
    return agora("check", "--plan", cwd=root)


def said(stdout: str) -> list[tuple[str, str]]:
    found = []
    for line in stdout.splitlines():
        match = re.match(r"  (?:line \d+: )?(error|warning|note): (.*)", line)
        if match:
            found.append((match[1], match[2]))
    return found


def test_the_table_has_its_rows():
    assert len(table()) >= 25


@pytest.mark.parametrize(("severity", "message"), table())
def test_each_message_of_contributing_is_what_agora_check_says(checked, severity, message):
    parts = [p for p in message.split("…") if p]
    pattern = ".*".join(re.escape(p) for p in parts)
    assert any(kind == severity and re.search(pattern, text) for kind, text in
               said(checked.stdout)), (severity, message, checked.stdout)
