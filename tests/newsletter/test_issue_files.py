"""The built-issue contract (issue.json and its files) and the loader's checks."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from agora.newsletter.errors import IssueError
from agora.newsletter.issue_files import available_issues, load_issue
from tests.newsletter.conftest import ISSUE_ID, write_issue


def edit(output: Path, change) -> None:
    path = output / "newsletter" / ISSUE_ID / "issue.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_loads_both_editions(site: Path):
    issue = load_issue(site, ISSUE_ID)
    assert (issue.id, issue.number, issue.date, issue.default_lang) == (
        ISSUE_ID, 3, date(2026, 11, 20), "fr")
    assert sorted(issue.editions) == ["en", "fr"]
    assert issue.editions["en"].html_path == "en/newsletter/2026-11-20/email.html"
    assert "%%UNSUBSCRIBE_URL%%" in issue.editions["fr"].text
    assert issue.host == "jardiniers.example"
    assert available_issues(site) == [ISSUE_ID]


@pytest.mark.parametrize(("language", "edition"), [
    ("en", "en"), ("en-GB", "en"), ("fr-CA", "fr"), ("de", "fr"), (None, "fr"),
])
def test_edition_fallback(site: Path, language, edition):
    assert load_issue(site, ISSUE_ID).edition_for(language).lang == edition


def test_hash_covers_subject_html_and_text(site: Path):
    before = load_issue(site, ISSUE_ID)
    assert before.content_sha256() == load_issue(site, ISSUE_ID).content_sha256()
    edit(site, lambda d: d["editions"]["en"].update(subject="Another subject"))
    after = load_issue(site, ISSUE_ID)
    assert after.content_hashes()["fr"] == before.content_hashes()["fr"]
    assert after.content_hashes()["en"] != before.content_hashes()["en"]
    assert after.content_sha256() != before.content_sha256()


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(format=2), "format: expected 1, found 2"),
    (lambda d: d.update(id="2026-11-21"), "id: expected '2026-11-20' (the folder's name)"),
    (lambda d: d.update(number=0), "number: expected a whole number of 1 or more, found 0"),
    (lambda d: d.update(date="20 novembre"), "date: expected an ISO date like 2026-11-20"),
    (lambda d: d.update(default_lang="de"), "default_lang: expected one of the editions "
                                            "(en, fr), found 'de'"),
    (lambda d: d["editions"]["fr"].update(subject="Two\nlines"),
     "editions.fr: subject: expected one non-empty line of text"),
    (lambda d: d["editions"]["fr"].update(web_url="/newsletter/"),
     "editions.fr: web_url: expected an absolute http(s) URL"),
    (lambda d: d["editions"]["fr"].update(html="../../secret.html"),
     "editions.fr.html: expected a path inside the output folder"),
    (lambda d: d["editions"]["fr"].update(text="/etc/passwd"),
     "editions.fr.text: expected a path relative to the output folder"),
    (lambda d: d["editions"]["fr"].update(text="newsletter/missing.txt"),
     "editions.fr.text: expected an existing file newsletter/missing.txt, found no such file"),
    (lambda d: d.update(editions={}), "editions: expected an object with one edition per "
                                      "language"),
    (lambda d: d["editions"].update(xx=d["editions"]["fr"]),
     "editions: expected a language code like fr, en or pt-BR, found 'xx'"),
])
def test_contract_violations_are_named(site: Path, change, message):
    edit(site, change)
    with pytest.raises(IssueError, match=re.escape(message)):
        load_issue(site, ISSUE_ID)


def test_markers_are_checked(site: Path):
    html = site / "newsletter" / ISSUE_ID / "email.html"
    html.write_text("<p>%%GREETING%%</p><p>%%UNSUBSCRIBE%%</p>", encoding="utf-8")
    with pytest.raises(IssueError, match=r"expected the marker %%UNSUBSCRIBE_URL%%"):
        load_issue(site, ISSUE_ID)
    html.write_text("<p>%%GREETINGS%%</p><a href='%%UNSUBSCRIBE_URL%%'>", encoding="utf-8")
    with pytest.raises(IssueError, match=r"found %%GREETINGS%%"):
        load_issue(site, ISSUE_ID)


def test_missing_issue_and_bad_json(tmp_path: Path):
    output = tmp_path / "output"
    with pytest.raises(IssueError, match=r"no such file \(no built issue at all\)"):
        load_issue(output, ISSUE_ID)
    with pytest.raises(IssueError, match="expected an issue id like 2026-11-20"):
        load_issue(output, "../etc")
    path = write_issue(output)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(IssueError, match="expected UTF-8 JSON, found invalid JSON"):
        load_issue(output, ISSUE_ID)


def test_site_name_and_single_language(tmp_path: Path):
    output = tmp_path / "output"
    write_issue(output, langs=("en",), default_lang="en", site_name="The Gardeners")
    issue = load_issue(output, ISSUE_ID)
    assert issue.site_name == "The Gardeners" and list(issue.editions) == ["en"]
    assert issue.edition_for("fr").lang == "en"
