"""`agora newsletter subscribers ...`: CSV import and export, add, remove, list."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.newsletter.conftest import ISSUE_ID

CSV = """email,name,language,status
camille@example.org,Camille,fr,
Dominique@Example.org,Dominique,en,subscribed
not-an-address,Bad,fr,
eve@example.org,Ève,fr,maybe
frank@example.org,Frank,klingon,
gus@example.org,Gus
"hana@example.org","Hana, Jr.",,unsubscribed

ines@example.org,,,
"""


def write(tmp_path: Path, text: str, name: str = "subscribers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_reports_malformed_lines_and_imports_the_rest(agora, env, store, tmp_path):
    result = agora("newsletter", "subscribers", "import", str(write(tmp_path, CSV)))
    assert result.code == 1  # some lines were skipped
    lines = [line.split(": skipped: ", 1) for line in result.err.splitlines()]
    assert [(line[0].rsplit(": ", 1)[1], line[1]) for line in lines] == [
        ("line 4", "expected an address like camille@example.org, found '***'"),
        ("line 5", "status: expected one of subscribed, unsubscribed, bounced, found 'maybe'"),
        ("line 6", "language: expected a language code like fr, en or pt-BR, found 'klingon'"),
        ("line 7", "expected 4 cells, found 2"),
    ]
    assert "imported 4, updated 0, unchanged 0, skipped 4" in result.out
    by_email = {s.email: s for s in store.subscribers()}
    assert sorted(by_email) == ["camille@example.org", "dominique@example.org",
                                "hana@example.org", "ines@example.org"]
    assert by_email["hana@example.org"].name == "Hana, Jr."
    assert by_email["hana@example.org"].status == "unsubscribed"
    assert by_email["ines@example.org"].language is None


def test_reimport_never_resubscribes_silently(agora, env, store, tmp_path):
    store.add("camille@example.org", name="Camille")
    store.add("dominique@example.org")
    for address in ("camille@example.org", "dominique@example.org"):
        assert agora("newsletter", "subscribers", "remove", address).code == 0
    result = agora("newsletter", "subscribers", "import", str(write(tmp_path, (
        "email,status,name\n"
        "camille@example.org,,Camille Dupont\n"        # no status: stays unsubscribed
        "dominique@example.org,subscribed,\n"          # explicit: resubscribed
        "eve@example.org,,\n"))))
    assert result.code == 0, result.err
    assert "imported 1, updated 2, unchanged 0, skipped 0" in result.out
    camille, dominique = store.get("camille@example.org"), store.get("dominique@example.org")
    assert camille is not None and dominique is not None
    assert (camille.status, camille.name) == ("unsubscribed", "Camille Dupont")
    assert dominique.status == "subscribed"
    assert [s.email for s in store.pending(ISSUE_ID)] == ["dominique@example.org",
                                                          "eve@example.org"]


def test_export_round_trips(agora, env, store, tmp_path, monkeypatch):
    agora("newsletter", "subscribers", "import", str(write(tmp_path, CSV)))
    exported = agora("newsletter", "subscribers", "export")
    assert exported.code == 0
    assert exported.out.splitlines()[0] == "email,name,language,status"
    assert exported.out.splitlines()[3] == 'hana@example.org,"Hana, Jr.",,unsubscribed'
    file = tmp_path / "export.csv"
    assert agora("newsletter", "subscribers", "export", str(file)).code == 0
    assert file.read_text(encoding="utf-8") == exported.out
    assert file.stat().st_mode & 0o077 == 0
    monkeypatch.setenv("AGORA_NEWSLETTER_DB", str(tmp_path / "other" / "n.sqlite3"))
    assert agora("newsletter", "subscribers", "import", str(file)).code == 0
    assert agora("newsletter", "subscribers", "export").out == exported.out
    with_tokens = agora("newsletter", "subscribers", "export", "--with-tokens",
                        "--status", "subscribed")
    header, *rows = with_tokens.out.splitlines()
    assert header == "email,name,language,status,token"
    assert len(rows) == 3 and all(len(row.rsplit(",", 1)[1]) == 32 for row in rows)


def test_add_remove_list(agora, env, store):
    added = agora("newsletter", "subscribers", "add", "Camille@Example.org", "--name",
                  "Camille", "--lang", "fr")
    assert added.code == 0 and added.out.strip().endswith("c***@example.org added")
    assert agora("newsletter", "subscribers", "add", "dominique@example.org").code == 0
    listed = agora("newsletter", "subscribers", "list")
    assert listed.out.splitlines()[0].split("\t")[:4] == ["camille@example.org", "Camille",
                                                          "fr", "subscribed"]
    token = store.get("dominique@example.org").token  # type: ignore[union-attr]
    removed = agora("newsletter", "subscribers", "remove", "--token", token)
    assert removed.code == 0 and "d***@example.org unsubscribed" in removed.out
    only = agora("newsletter", "subscribers", "list", "--status", "unsubscribed")
    assert [line.split("\t")[0] for line in only.out.splitlines()] == ["dominique@example.org"]
    unknown = agora("newsletter", "subscribers", "remove", "nobody@example.org")
    assert unknown.code == 1 and "found none for n***@example.org" in unknown.err
    bad = agora("newsletter", "subscribers", "add", "nobody@", "--lang", "fr")
    assert bad.code == 1 and "expected an address like" in bad.err


def test_bad_header_refuses_the_file(agora, env, store, tmp_path):
    result = agora("newsletter", "subscribers", "import",
                   str(write(tmp_path, "mail,nom\na@example.org,A\n")))
    assert result.code == 1
    assert "line 1: expected a header with email and optionally name, language, status, " \
           "found 'mail,nom'" in result.err
    assert store.subscribers() == []


def test_import_reads_spreadsheet_csv_with_bom(agora, env, store, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffemail,name\r\nlea@example.org,Léa\r\n".encode())
    assert agora("newsletter", "subscribers", "import", str(path)).code == 0
    assert store.get("lea@example.org").name == "Léa"  # type: ignore[union-attr]


@pytest.mark.parametrize("command", [
    ["newsletter"], ["newsletter", "send"], ["newsletter", "subscribers"],
    ["newsletter", "subscribers", "import"], ["newsletter", "subscribers", "export"],
    ["newsletter", "subscribers", "add"], ["newsletter", "subscribers", "remove"],
    ["newsletter", "subscribers", "list"], ["newsletter", "status"],
])
def test_help_everywhere(agora, command):
    result = agora(*command, "--help")
    assert result.code == 0
    assert "usage: agora newsletter" in result.out
