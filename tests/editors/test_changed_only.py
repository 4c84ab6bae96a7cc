"""`agora check --changed-only`: only what a branch changed, and what refers to it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from agora.command import load_settings
from agora.content.schema import content_model
from agora.editors.changes import scope_of
from tests.conftest import write_files
from tests.editors.conftest import agora, copy_hub

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent", "PATH": "/usr/bin:/bin"}
# the profile of a member who hosts three events and wrote two articles
MEMBER = "content/members/louis-garnier.md"
HOSTED = ["content/events/conference-jardins-montreal.md", "content/events/faq-apiculture.md",
          "content/events/interview-apiculture.md"]
WRITTEN = ["content/articles/astuce-outils.md", "content/articles/vous-avez-dit-nous-avons-fait.md"]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hub on main (with a file already broken there), and a branch that changed two files
    and added one."""
    root = copy_hub(tmp_path_factory.mktemp("git-hub"))
    write_files(root / "content", {"events/deja-casse.md": """
        ---
        title: Déjà cassé sur main
        start: bientôt
        ---
        Pas dans cette proposition.
        """})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "The hub as it is")
    git(root, "switch", "-qc", "proposal")
    member = root / MEMBER
    member.write_text(member.read_text(encoding="utf-8").replace("consent: true", "consent: false"),
                      encoding="utf-8")
    git(root, "commit", "-qam", "Louis withdraws his consent")
    article = root / "content/articles/bienvenue.md"  # changed, not committed yet
    article.write_text(article.read_text(encoding="utf-8").replace(
        "date: 2026-09-01T09:00", "date: 1er septembre"), encoding="utf-8")
    write_files(root / "content", {"articles/nouveau.md": """
        ---
        title: Nouveau
        date: 2026-11-01T09:00
        tgas: [semis]
        ---
        Pas encore ajouté à git.
        """})
    return root


def scope(root: Path):
    settings = load_settings(str(root / "pelicanconf.py"))
    return scope_of(settings, content_model(settings), root / "pelicanconf.py", "main", root)


def annotated(stdout: str) -> set[str]:
    return set(re.findall(r"file=([^,:]+)", stdout))


def test_only_the_changed_files_and_those_naming_them_are_checked(repo):
    result = agora("check", "--changed-only", "--base", "main", "--format", "github", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert annotated(result.stdout) == {MEMBER, "content/articles/bienvenue.md",
                                        "content/articles/nouveau.md", *HOSTED, *WRITTEN}
    assert "deja-casse" not in result.stdout  # broken on main, not in this branch
    assert ("agora check --changed-only: checked 8 files (3 changed since main, 5 referring "
            "to them)") in result.stderr
    lines = result.stdout.splitlines()
    assert any(x.startswith("::error file=content/articles/bienvenue.md,line=3,title=agora "
                            "check%3A date::") for x in lines)
    assert any(x.startswith("::warning file=content/articles/nouveau.md,line=4,title=agora "
                            "check%3A tgas::tgas: expected an article field (did you mean tags?)")
               for x in lines)
    assert any(x.startswith(f"::error file={HOSTED[0]},line=") and "hosts: expected a member "
               "that may be published" in x for x in lines)


def test_the_whole_check_still_sees_everything(repo):
    result = agora("check", cwd=repo)
    assert "content/events/deja-casse.md" in result.stdout.splitlines()


def test_what_refers_to_a_series_an_image_or_a_removed_profile(repo):
    found = scope(repo)
    assert set(found.related) == {(repo / p).resolve() for p in [*HOSTED, *WRITTEN]}
    assert found.related[(repo / HOSTED[0]).resolve()] == "names member louis-garnier"
    series = repo / "content/series.yml"
    series.write_text(series.read_text(encoding="utf-8").replace(
        "cadence: monthly", "cadence: monthly on the 15th"), encoding="utf-8")
    image = repo / "content/images/members/sofia-martin.png"
    image.write_bytes(image.read_bytes() + b"\0")
    (repo / "content/members/yanis-benali.md").unlink()
    try:
        related = {p.relative_to(repo.resolve()).as_posix(): why
                   for p, why in scope(repo).related.items()}
    finally:
        git(repo, "checkout", "--", "content/series.yml", "content/images/members",
            "content/members/yanis-benali.md")
    assert {"content/articles/portrait-amina-diallo.md",
            "content/articles/portrait-hugo-lefebvre.md",
            "content/articles/portrait-sofia-martin.md"} <= set(related)
    assert related["content/articles/portrait-hugo-lefebvre.md"] == "in series portrait-du-mois"
    # a series left as it was (its translations included) brings none of its articles
    assert "in series astuces-du-mardi" not in related.values()
    assert related["content/members/sofia-martin.md"] == "uses sofia-martin.png"
    assert related["content/articles/bilan-octobre.md"] == "names member yanis-benali"


def test_a_settings_or_theme_change_checks_everything(repo):
    css = repo / "theme/static/css/agora.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* darker */\n", encoding="utf-8")
    try:
        found = scope(repo)
    finally:
        git(repo, "checkout", "--", "theme/static/css/agora.css")
    assert found.everything == "theme/static/css/agora.css changed: every file is checked"


def test_an_unknown_base_is_explained(repo):
    result = agora("check", "--changed-only", "--base", "nowhere", cwd=repo)
    assert result.returncode == 2
    assert "agora check --changed-only: git merge-base nowhere HEAD" in result.stderr
