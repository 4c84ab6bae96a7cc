"""`agora adopt`: Pelican's counts beside Agora's, authors, events, fields, templates, failures;
and a starting settings file that builds the site as bare Pelican does."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from agora import defaults
from agora.adopt.config import AdoptError, adopt_settings, render
from agora.adopt.report import AdoptionReport, make_report, render_report
from agora.adopt.survey import BUCKETS, survey
from tests.adopt.harness import (
    SITES_DIR,
    Builds,
    agora_overrides,
    capture_build,
    copy_site,
    expected,
    site_names,
)

# Surveys build each site twice: their own worker, beside the corpus builds.
pytestmark = pytest.mark.xdist_group("adopt-survey")

SITES = site_names()
AGORA = [sys.executable, "-m", "agora.cli"]


@pytest.fixture(scope="session")
def reports() -> dict[str, AdoptionReport]:
    """The adoption report of each corpus site, made on first use."""
    return {}


def report_of(site: str, reports: dict[str, AdoptionReport]) -> AdoptionReport:
    if site not in reports:
        reports[site] = make_report(survey(SITES_DIR / site / "pelicanconf.py"))
    return reports[site]


def adopt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AGORA, "adopt", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180)


@pytest.mark.parametrize("site", SITES)
def test_report_gives_pelicans_counts_beside_agoras(site: str,
                                                    reports: dict[str, AdoptionReport]) -> None:
    report = report_of(site, reports)
    counts = expected(site)["counts"]
    assert report.counts == {bucket: (counts[bucket], counts[bucket]) for bucket in BUCKETS}
    assert report.moved == [] and report.failures == [] and report.errors == []
    assert report.same
    text = render_report(report, "pelicanconf.py")
    assert f"  articles{counts['articles']:>17}{counts['articles']:>8}" in text
    assert "Agora builds every file Pelican builds, at the same URL." in text


def test_report_keeps_free_text_authors_as_names(reports: dict[str, AdoptionReport]) -> None:
    report = report_of("multi-author", reports)
    assert report.members == Counter()
    assert report.names["Okafor, Amara"] == 1 and report.names["Chen Wei"] == 2
    assert report.names["Editorial Team"] == 2  # the AUTHOR setting, for unsigned files
    assert "Hélène Dupré (1 file)" in render_report(report, "pelicanconf.py")


def test_report_counts_fields_no_schema_knows(reports: dict[str, AdoptionReport]) -> None:
    report = report_of("theme-fields", reports)
    assert {name: len(files) for name, files in report.unknown_fields.items()} == {
        "comments": 3, "description": 3, "email": 2, "imagefeature": 2, "layout": 3,
        "mathjax": 2, "og_image": 2, "subtitle": 3}
    text = render_report(report, "pelicanconf.py")
    assert "  comments: 3 files\n" in text
    assert "no schema knows, in 3 files" not in text  # summarized once, not repeated


def test_report_says_which_templates_are_the_sites(reports: dict[str, AdoptionReport]) -> None:
    report = report_of("custom-templates", reports)
    assert report.templates == {"404": ("site", 1), "article": ("site", 2),
                                "home": ("site", 1), "page": ("Agora", 1)}
    assert ("the site's own (THEME_TEMPLATES_OVERRIDES): 404.html (1 file), article.html "
            "(2 files), home.html (1 file)") in render_report(report, "pelicanconf.py")


def test_report_lists_what_pelican_accepts_and_agora_would_write_otherwise(
        reports: dict[str, AdoptionReport]) -> None:
    notes = report_of("slugs-and-dates", reports).notes
    assert any('slug: Agora suggests a slug of lowercase' in n and '"My First Post"' in n
               for n in notes)
    assert any("content/text-date.md: date:" in n and '"5 December 2014"' in n for n in notes)


MEMBERS = {
    "content/members/jane-doe.md": "---\nname: Jane Doe\nconsent: true\n"
                                   "reconfirmed: 2026-06-01\n---\nOrganiser.\n",
    "content/members/james-oguya.md": "---\nname: James Oguya\nconsent: false\n---\nNot yet.\n",
    "content/pycon-trip.md": "Title: Trip to the regional PyCon\nDate: 2019-05-02 09:00\n"
                             "Author: John Smith\nevent-start: 2019-06-01 09:00\n"
                             "event-end: 2019-06-01 18:00\nevent-location: Lakeside Library\n\n"
                             "Let us travel together.\n",
}


@pytest.fixture(scope="module")
def with_members(tmp_path_factory: pytest.TempPathFactory) -> AdoptionReport:
    root = copy_site("usergroup-markdown", tmp_path_factory.mktemp("members"))
    for relative, text in MEMBERS.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    # bare Pelican reads members/ as articles; the adopted site keeps them out
    return make_report(survey(root / "pelicanconf.py"))


def test_report_credits_members_and_never_names_the_others(with_members) -> None:
    # two articles and a page name her; the AUTHOR setting credits her on the other page
    assert with_members.members == Counter({"jane-doe": 4})
    assert "James Oguya" not in with_members.names
    assert with_members.withheld == 1
    text = render_report(with_members, "pelicanconf.py")
    assert "linked to member profiles: jane-doe (4 files)" in text
    assert "left out of bylines (members without consent): 1 file" in text
    assert "Oguya" not in text.replace("james-oguya.md", "")


def test_report_lists_pelican_events_articles(with_members) -> None:
    assert with_members.events == ["trip-to-the-regional-pycon"]


def test_report_names_every_file_agora_cannot_build(tmp_path: Path) -> None:
    root = copy_site("slugs-and-dates", tmp_path)
    (root / "content" / "latin1.md").write_bytes(
        "Title: Caf\u00e9 night\nDate: 2014-12-01\n\nSee you.\n".encode("latin-1"))
    (root / "content" / "impossible.md").write_text(
        "Title: Impossible\nDate: 2014-13-45\n\nNever.\n", encoding="utf-8")
    report = make_report(survey(root / "pelicanconf.py"))
    assert report.failures == [
        'content/impossible.md: date: expected ISO date-time like 2026-12-03T18:00, or a date '
        'like 2026-12-03 (or any other form Pelican reads, like 5 December 2014), found '
        '"2014-13-45"',
        "content/latin1.md:1: encoding: expected UTF-8 text (save the file as UTF-8), found "
        "byte 0xe9 at line 1"]
    assert not report.same  # bare Pelican cannot build them either, but Agora says why
    assert report.counts["articles"] == (6, 6)
    assert "Files Agora cannot build:\n  content/impossible.md: date:" in \
        render_report(report, "pelicanconf.py")


def test_written_config_keeps_the_sites_settings_and_lists_agoras_plugins(tmp_path) -> None:
    root = copy_site("custom-urls", tmp_path)
    text = render(adopt_settings(root / "pelicanconf.py"), root / "agora-pelicanconf.py")
    assert text.count("from agora.defaults import *") == 1
    for line in ("PATH = 'content'", "ARTICLE_URL = '{date:%Y}/{date:%m}/{slug}.html'",
                 "PAGE_URL = 'pages/{slug}.html'", "TIMEZONE = 'America/Denver'",
                 "DEFAULT_LANG = 'en'", "SITENAME = 'Riverbend Data Science Meetup'",
                 "SLUGIFY_SOURCE = 'title'"):  # Pelican's default: Agora's is basename
        assert line in text, line
    assert "# YEAR_ARCHIVE_SAVE_AS: Agora's theme has no period archive pages" in text
    namespace: dict[str, object] = {}
    exec(compile(text, "agora-pelicanconf.py", "exec"), namespace)
    assert namespace["PLUGINS"] == list(defaults.PLUGINS)
    assert namespace["INDEX_SAVE_AS"] == "blog/index.html"  # Agora's home is index.html
    assert "YEAR_ARCHIVE_SAVE_AS" not in text.replace("# YEAR_ARCHIVE_SAVE_AS", "")


@pytest.mark.parametrize("site", ["grupo-pt-dated-folders", "custom-templates"])
def test_adopt_writes_a_config_that_builds_what_pelican_builds(site: str, tmp_path: Path,
                                                               bare: Builds) -> None:
    root = copy_site(site, tmp_path / "site")
    result = adopt(".", "--write-config", "agora-pelicanconf.py", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    counts = expected(site)["counts"]
    assert f"  articles{counts['articles']:>17}{counts['articles']:>8}" in result.stdout
    written = root / "agora-pelicanconf.py"
    assert f"Wrote {written.name}" in result.stdout
    adopted = capture_build(written, agora_overrides(tmp_path), fresh_signals=False)
    assert bare(site).differences(adopted) == []
    assert adopted.errors == []
    again = adopt(".", "--write-config", "agora-pelicanconf.py", cwd=root)
    assert again.returncode == 2
    assert "agora-pelicanconf.py: expected a new file, found one already there" in again.stderr


def test_adopt_changes_nothing_without_write_config(tmp_path: Path) -> None:
    root = copy_site("usergroup-markdown", tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = adopt(str(root), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Nothing was changed." in result.stdout
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_adopt_help_and_missing_settings(tmp_path: Path) -> None:
    helped = adopt("--help", cwd=tmp_path)
    assert helped.returncode == 0 and "--write-config" in helped.stdout
    missing = adopt(str(tmp_path), cwd=tmp_path)
    assert missing.returncode == 2
    assert "pelicanconf.py: expected a Pelican settings file, found none" in missing.stderr
    with pytest.raises(AdoptError):
        adopt_settings(tmp_path / "pelicanconf.py")
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_check_verbose_lists_the_files_of_each_unknown_field(tmp_path: Path) -> None:
    from agora.adopt.config import write_config  # noqa: PLC0415

    root = copy_site("theme-fields", tmp_path)
    write_config(adopt_settings(root / "pelicanconf.py"), root / "agora-pelicanconf.py")
    result = subprocess.run([*AGORA, "check", "-s", "agora-pelicanconf.py", "--verbose"],
                            cwd=root, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("unknown field mathjax (2 files):\n  content/posts/ohm-and-watts.rst\n"
            "  content/posts/pcb-design-basics.md\n") in result.stdout
    # grouped by file (a field used in several files: under the content folder)
    summaries = [line for line in result.stdout.splitlines()
                 if re.match(r"  (line \d+: )?warning: ", line)]
    assert len(summaries) == 8  # one per field, not one per file and field (19)


def test_no_settings_file_is_named_after_a_package_it_would_hide(tmp_path: Path) -> None:
    from agora.adopt.config import check_target  # noqa: PLC0415

    problem = check_target(tmp_path / "agora.py")
    assert problem is not None and "expected a file name other than agora.py" in problem
    assert check_target(tmp_path / "agora-pelicanconf.py") is None
