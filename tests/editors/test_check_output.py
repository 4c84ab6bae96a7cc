"""`agora check` on a corpus of broken files: each problem with its file, line and field,
grouped by file for people and as annotations for GitHub."""

from __future__ import annotations

import re
import shutil

import pytest

from agora.editors.report import github_lines, text_lines
from agora.problems import Problem
from tests.conftest import REPO, write_files
from tests.editors.conftest import agora, copy_hub

CORPUS = {
    "events/ama.md": """
        ---
        title: AMA
        start: 3 décembre
        format: apero
        hosts: [amina-dialo]
        ---
        Posez vos questions.
        """,
    "articles/native.md": """
        Title: Un vieux billet
        Date: 27 octobre 2026 à 8h
        Author: camille-roux
        Series: inconnue

        Écrit avant Agora.
        """,
    "articles/quote.md": """
        ---
        title: "Une citation
        date: 2026-10-01
        ---
        Texte.
        """,
    "articles/untitled.md": """
        ---
        date: 2026-10-01T09:00
        author: camille-roux
        ---
        Texte.
        """,
    "articles/themed.md": """
        ---
        title: Un article
        date: 2026-10-02T09:00
        slug: Un Article
        colour: green
        ---
        Texte.
        """,
    "pages/notes.rst": """
        Notes
        #####

        :date: le 3 mars
        :slug: notes

        Du texte.
        """,
    "members/zoe-martin.md": """
        ---
        name: Zoé Martin
        roles: [member]
        avatar: images/members/zoe.jpg
        consent: true
        ---
        Bonjour.
        """,
    "members/paul-leroy.md": """
        ---
        name: Paul Leroy
        roles: [member]
        consent: true
        ---
        Bonjour.
        """,
}

# (file, line, severity, field, words of the message)
EXPECTED = [
    ("content/events/ama.md", 3, "error", "start", "expected ISO date-time"),
    ("content/events/ama.md", 4, "error", "format", "expected one of webinar"),
    ("content/events/ama.md", 5, "error", "hosts", "expected a known member slug"),
    ("content/articles/native.md", 2, "error", "date", "expected ISO date-time"),
    ("content/articles/native.md", 4, "error", "series", "expected a known series slug"),
    ("content/articles/quote.md", 4, "error", "front matter", "expected valid YAML"),
    ("content/articles/untitled.md", 1, "error", "title", "found nothing (the field is required)"),
    ("content/articles/themed.md", 5, "warning", "colour", "expected an article field"),
    ("content/articles/themed.md", 4, "note", "slug", "Agora suggests a slug"),
    ("content/pages/notes.rst", 4, "error", "date", "expected ISO date-time"),
    ("content/members/zoe-martin.md", 4, "error", "avatar", "expected an existing image"),
    # a field that is not written points at the header, where it belongs
    ("content/members/paul-leroy.md", 1, "warning", "reconfirmed", "expected the date the member"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    root = copy_hub(tmp_path_factory.mktemp("broken-hub"), content=False)
    for part in ("members", "images"):
        shutil.copytree(REPO / "content" / part, root / "content" / part)
    shutil.copy(REPO / "content" / "series.yml", root / "content" / "series.yml")
    write_files(root / "content", CORPUS)
    return root


@pytest.fixture(scope="module")
def as_text(corpus):
    return agora("check", cwd=corpus)


@pytest.fixture(scope="module")
def as_github(corpus):
    return agora("check", "--format", "github", cwd=corpus)


def groups(stdout: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = ""
    for line in stdout.splitlines():
        if line and not line.startswith(" "):
            current = line
            found[current] = []
        elif line:
            found[current].append(line)
    return found


@pytest.mark.parametrize(("path", "line", "severity", "field", "words"), EXPECTED)
def test_text_names_file_line_and_field(as_text, path, line, severity, field, words):
    assert as_text.returncode == 1
    lines = groups(as_text.stdout)[path]
    wanted = f"  line {line}: {severity}: {field}: "
    assert any(x.startswith(wanted) and words in x for x in lines), (wanted, lines)


@pytest.mark.parametrize(("path", "line", "severity", "field", "words"), EXPECTED)
def test_github_annotates_file_line_and_field(as_github, path, line, severity, field, words):
    assert as_github.returncode == 1
    kind = {"note": "notice"}.get(severity, severity)
    title = f"agora check%3A {field}"
    wanted = f"::{kind} file={path},line={line},title={title}::{field}: "
    assert any(x.startswith(wanted) and words in x for x in as_github.stdout.splitlines()), \
        (wanted, as_github.stdout)


def test_files_with_errors_come_first_errors_before_warnings_before_notes(as_text):
    found = groups(as_text.stdout)
    themed = found["content/articles/themed.md"]
    assert [x.split(": ")[1] for x in themed] == ["warning", "note"]
    order = list(found)
    assert order.index("content/members/zoe-martin.md") < order.index(
        "content/articles/themed.md")  # an error outranks a warning
    for lines in found.values():
        ranks = [{"error": 0, "warning": 1, "note": 2}[re.search(
            r"(error|warning|note): ", x).group(1)] for x in lines]
        assert ranks == sorted(ranks), lines


def test_a_file_left_out_is_said_under_that_file_and_counted(as_text):
    assert "  error: events/ama.md left out of the build (see the errors above)" in \
        groups(as_text.stdout)["content/events/ama.md"]
    errors = sum(len([x for x in lines if "error: " in x]) for lines in
                 groups(as_text.stdout).values())
    assert f"agora check: {errors} error(s), 2 warning(s)" in as_text.stderr


def test_the_build_itself_and_odd_text_are_annotated_right():
    problems = [
        Problem("", "", "Unable to find 'x.md', skipping url replacement.", severity="warning"),
        Problem("content", "comments", "expected an article field", "a field no schema knows",
                severity="warning"),
        Problem("content/a, b.md", "title", "expected text: 100%", 'line one\nline two', line=2),
    ]
    shown = list(text_lines(problems))
    assert shown[-2:] == ["(the whole build)",
                          "  warning: Unable to find 'x.md', skipping url replacement."]
    settings = {"PATH": "content"}  # none of these paths is a file: no file= annotation
    assert list(github_lines(problems, settings)) == [
        "::error title=agora check%3A title::content/a, b.md: title: expected text: 100%25, "
        "found line one%0Aline two",
        "::warning title=agora check%3A comments::content: comments: expected an article "
        "field, found a field no schema knows",
        "::warning title=agora check::Unable to find 'x.md', skipping url replacement.",
    ]
    assert problems[2].github() == (
        "::error file=content/a%2C b.md,line=2,title=agora check%3A title::title: expected "
        "text: 100%25, found line one%0Aline two")


def test_an_invalid_required_field_is_one_problem_not_two(as_text):
    starts = [x for x in groups(as_text.stdout)["content/events/ama.md"] if ": start: " in x]
    assert starts == ['  line 3: error: start: expected ISO date-time like 2026-12-03T18:00, '
                      'found "3 décembre"']  # not also "found nothing (the field is required)"


def test_a_yaml_error_says_what_was_found_once(as_text):
    [line] = groups(as_text.stdout)["content/articles/quote.md"]
    assert line.endswith("expected valid YAML between --- lines, found unexpected end of stream")
