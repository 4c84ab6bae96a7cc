"""Change history: from front matter, archived copies and git; never fails without git."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date

import pytest

from agora.charter.history import build_history, version_key
from tests.charter.helpers import charter_file, site_path
from tests.conftest import build, write_files

CHANGES = """
    changes:
      - {version: "1.0", date: 2024-03-15, summary: "Première charte"}
      - {version: "1.1", date: 2024-09-01, summary: "Règle 3 ajoutée"}
      - {version: "2.0", date: 2026-09-01, summary: "Refonte complète"}
    """


def test_versions_sort_like_numbers():
    assert sorted(["1.10", "1.9", "2.0", "1.0"], key=version_key) == ["1.0", "1.9", "1.10",
                                                                      "2.0"]


def test_history_lists_the_version_in_force_even_when_changes_forget_it():
    entries = build_history("2.0", date(2026, 9, 1),
                            [{"version": "1.0", "date": date(2024, 1, 1), "summary": "A"}],
                            {"1.0": (date(2024, 1, 1), "charter/v/1.0/")})
    assert [(e.version, e.in_force, e.url) for e in entries] == [
        ("2.0", True, None), ("1.0", False, "charter/v/1.0/")]
    assert entries[0].date == date(2026, 9, 1)


def history_rows(site, url="charter/"):
    return [(row.get("data-version"), bool(row.cssselect("th a")))
            for row in site.html(url).cssselect(".charter-history tbody tr")]


def test_front_matter_only_history_renders_without_links(make_site):
    site = make_site({"pages/charter/charte.md": charter_file(extra=CHANGES)},
                     name="fm-history", with_demo_members=False)
    assert history_rows(site) == [("2.0", False), ("1.1", False), ("1.0", False)]
    text = site.html("charter/").cssselect(".charter-history")[0].text_content()
    assert "Règle 3 ajoutée" in text and "1 septembre 2024" in text
    assert not (site.output / "charter" / "v").exists()


def test_archived_copies_are_written_under_their_version(make_site):
    site = make_site({
        "pages/charter/charte.md": charter_file(extra=CHANGES),
        "pages/charter/versions/charte-1.1.md": charter_file(
            version="1.1", effective="2024-09-01", rules={1: "Ancienne règle"}),
    }, name="archived-copies", with_demo_members=False)
    assert history_rows(site) == [("2.0", False), ("1.1", True), ("1.0", False)]
    old = site.html("charter/v/1.1/")
    assert "Ancienne règle" in old.text_content()
    assert old.cssselect(".entry-content #rule-1")
    assert site_path(old.cssselect(".banner a")[0].get("href"), "charter/v/1.1/") == "charter/"
    assert site.state.log.warnings == [] and site.state.log.errors == []


def git(root, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_AUTHOR_DATE": "2026-01-01T12:00:00+00:00",
           "GIT_COMMITTER_DATE": "2026-01-01T12:00:00+00:00"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_earlier_versions_are_read_from_git_history(tmp_path):
    content = tmp_path / "content"
    charter, old_name = "pages/charter/charte.md", "pages/charter/regles.md"
    git(tmp_path, "init", "-q")
    write_files(content, {old_name: charter_file(version="1.0", effective="2024-03-15",
                                                 rules={1: "Texte de 2024"})})
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "v1")
    write_files(content, {old_name: charter_file(version="1.1", effective="2024-09-01",
                                                 rules={1: "Texte de septembre"})})
    git(tmp_path, "commit", "-q", "-am", "v1.1")
    write_files(content, {old_name: charter_file(version="1.1", effective="2024-09-01",
                                                 rules={1: "Texte de septembre, corrigé"})})
    git(tmp_path, "commit", "-q", "-am", "typo")
    git(tmp_path, "mv", f"content/{old_name}", f"content/{charter}")  # --follow keeps history
    git(tmp_path, "commit", "-q", "-m", "rename")
    write_files(content, {charter: charter_file(extra=CHANGES, rules={1: "Texte en vigueur"})})
    site = build(tmp_path)  # the 2.0 text is not even committed
    assert history_rows(site) == [("2.0", False), ("1.1", True), ("1.0", True)]
    assert "Texte de 2024" in site.text("charter/v/1.0/")
    assert "Texte de septembre, corrigé" in site.text("charter/v/1.1/")
    assert "Texte en vigueur" in site.text("charter/")
    assert site.state.log.warnings == [] and site.state.log.errors == []


def test_without_git_the_build_degrades_to_front_matter(make_site, monkeypatch, tmp_path,
                                                        caplog):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git binary to be found
    caplog.set_level("INFO", logger="agora.charter.history")
    site = make_site({"pages/charter/charte.md": charter_file(extra=CHANGES)},
                     name="no-git", with_demo_members=False)
    assert history_rows(site) == [("2.0", False), ("1.1", False), ("1.0", False)]
    assert any("no git history" in r.getMessage() for r in caplog.records)
    assert site.state.log.errors == []


def test_a_version_taking_effect_later_says_so_and_schedules_a_rebuild(make_site):
    site = make_site({"pages/charter/charte.md": charter_file(effective="2027-01-01")},
                     name="pending", with_demo_members=False)
    meta = site.html("charter/").cssselect("article.charter header .meta")[0].text_content()
    assert "entre en vigueur le 1 janvier 2027" in meta
    assert any("charter version 2.0 takes effect" in reason
               for _, reason in site.state.next_changes)
