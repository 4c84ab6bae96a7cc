"""A corpus of broken content: every file is reported by name and field, none crashes a build.

``tests/fixtures/bad-content/content`` holds the broken files editors write (and
a few good ones for the broken ones to point at); the test adds those whose bytes
matter or that git should not hold: a BOM, CRLF line ends, Latin-1 and binary
bytes, an empty and a 5 MB file, symbolic links pointing outside the repository.

For each file the exact set of (field, severity) reported is asserted, so a
message that disappears fails here. The local build completes and lists every
problem in ``output/build.json``; the production build (``publishconf.py``) and
``agora check`` fail; no traceback and no bare "Could not process" anywhere; and
no dangerous URL reaches a page, a feed or a calendar.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from agora.cli import main
from agora.content.checks import Origin, check_content
from agora.core import StrictModeError
from agora.core.report import WITHHELD_PROFILE
from tests.conftest import REPO, Site, build, write_check_settings
from tests.members.conftest import copy_demo_members

# one worker builds the site once (make test distributes by group)
pytestmark = pytest.mark.xdist_group("bad-content")

CORPUS = REPO / "tests" / "fixtures" / "bad-content" / "content"
E, W = "error", "warning"

#: file (as editors see it) -> every (field, severity) reported about it.
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "articles/yaml-invalide.md": {("front matter", E)},
    "articles/yaml-liste.md": {("front matter", E)},
    "articles/mauvais-types.md": {("tags", E), ("forum_topic", E)},
    "articles/date-impossible.md": {("date", E)},
    "articles/trente-et-un-fevrier.md": {("date", E)},
    "articles/date-native.md": {("date", E)},
    "articles/sans-titre.md": {("title", E)},
    "articles/serie-inconnue.md": {("series", E)},
    "articles/portrait-fantome.md": {("spotlight", E)},
    "articles/sujet-inconnu.md": {("forum_topic", W)},
    "articles/image-absente.md": {("image", E)},
    "articles/image-evadee.md": {("image", E)},
    "articles/image-sans-alt.md": {("body", W)},
    "articles/image-du-texte-absente.md": {("body", E)},
    "articles/image-relative.md": {("body", W)},
    "articles/image-symbolique.md": {("body", E)},
    "articles/lien-javascript.md": {("body", E)},
    "articles/lien-deguise.md": {("body", E)},
    "articles/lien-vbscript.md": {("body", E)},
    "articles/lien-data.md": {("body", E)},
    "articles/image-data-svg.md": {("body", E)},
    "articles/image-javascript.md": {("body", E)},
    "articles/resume-javascript.md": {("summary", E)},
    "articles/titre-script.md": {("title", E)},
    "articles/titre-balises.md": {("title", W)},
    "articles/doublon-b.md": {("slug", E)},
    "articles/traduction-orpheline.md": {("translation", W)},
    "articles/traduction-de-rien.md": {("translation_of", W)},
    "articles/lien-interne-casse.md": {("body", W)},
    "articles/lien-relatif-casse.md": {("body", W)},
    "articles/static-evade.md": {("body", E)},
    "articles/directive-inconnue.rst": {("content", E)},
    "articles/rst-javascript.rst": {("body", E)},
    "articles/html-javascript.html": {("body", E)},
    "articles/inclusion.rst": {("body", E)},
    "articles/bom.md": {("date", E)},
    "articles/crlf.md": {("tags", E)},
    "articles/latin1.md": {("encoding", E)},
    "articles/binaire.md": {("encoding", E)},
    "articles/enorme.md": {("file", E)},
    "articles/vide.md": {("file", E)},
    "articles/lien-symbolique.md": {("file", E)},
    "images/fuite.png": {("file", E)},
    "events/fuseau-inconnu.md": {("timezone", E)},
    "events/fin-avant-debut.md": {("end", E)},
    "events/hote-inconnu.md": {("hosts", E)},
    "events/debut-impossible.md": {("start", E)},
    "events/duree-illisible.md": {("duration", E)},
    "events/rencontre-b.md": {("slug", E)},
    "members/consentement-flou.md": {("consent", E)},
    "members/avatar-ailleurs.md": {("avatar", E)},
    "pages/lien-vers-rien.md": {("body", W)},
    "pages/page-sur-article.md": {("save_as", E)},
}
#: The good files, and the first of each pair sharing a URL: published, nothing reported.
PUBLISHED = {"articles/bon.md": "blog/bon/", "articles/doublon-a.md": "blog/doublon/",
             "articles/crlf-ok.md": "blog/crlf-ok/", "articles/bom-ok.md": "blog/bom-ok/",
             "events/rencontre-a.md": "events/rencontre/"}
#: Where a payload is written, one marker each: none may reach the output.
MARKER = "agora-xss-"
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "poster",
                  "data", "background", "cite", "ping"}


def add_generated_files(root: Path, outside: Path) -> None:
    """The files whose bytes matter, or that must not be committed."""
    articles = root / "content" / "articles"
    (articles / "bom.md").write_bytes(
        "\ufeff---\ntitle: Avec BOM\ndate: 2026-02-30\n---\nTexte.\n".encode())
    (articles / "bom-ok.md").write_bytes(
        "\ufeff---\ntitle: Avec BOM, sans défaut\ndate: 2026-10-01\n---\nTexte.\n".encode())
    (articles / "crlf.md").write_bytes(
        b"---\r\ntitle: Fins de ligne Windows\r\ndate: 2026-10-01\r\ntags: {a: 1}\r\n"
        b"---\r\nTexte.\r\n")
    (articles / "crlf-ok.md").write_bytes(
        b"---\r\ntitle: Fins de ligne Windows, sans defaut\r\ndate: 2026-10-01\r\n"
        b"---\r\nTexte.\r\n")
    (articles / "latin1.md").write_bytes(
        "Title: Caf\u00e9\nDate: 2026-10-01\n\nTexte.\n".encode("latin-1"))
    (articles / "binaire.md").write_bytes(bytes(range(256)) * 8)
    (articles / "enorme.md").write_text(
        "---\ntitle: Énorme\ndate: 2026-10-01\n---\n" + "Du texte. " * 520_000,
        encoding="utf-8")
    (articles / "vide.md").write_bytes(b"")
    (outside / "secret.md").write_text("---\ntitle: Secret\ndate: 2026-10-01\n---\n"
                                       "agora-outside-secret\n", encoding="utf-8")
    shutil.copy(CORPUS / "images" / "ok.png", outside / "secret.png")
    (articles / "lien-symbolique.md").symlink_to(outside / "secret.md")
    (root / "content" / "images" / "fuite.png").symlink_to(outside / "secret.png")
    (articles / "image-symbolique.md").write_text(
        "---\ntitle: Image par lien symbolique\ndate: 2026-10-01\n---\n"
        "![Fuite](/images/fuite.png)\n", encoding="utf-8")


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad-content")
    copy_demo_members(root)
    shutil.copytree(CORPUS, root / "content", dirs_exist_ok=True)
    add_generated_files(root, tmp_path_factory.mktemp("outside-the-repository"))
    return root


class Everything(logging.Handler):
    """Every log record of a build, formatted with its traceback if it has one."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter("%(levelname)s %(name)s %(message)s").format(record))


@pytest.fixture(scope="module")
def logged_build(corpus_root: Path) -> Iterator[tuple[Site, list[str]]]:
    """The local build (``make html``'s settings), with everything it logged."""
    handler = Everything()
    logging.getLogger().addHandler(handler)
    try:
        site = build(corpus_root)
    finally:
        logging.getLogger().removeHandler(handler)
    yield site, handler.lines


@pytest.fixture(scope="module")
def dev_site(logged_build: tuple[Site, list[str]]) -> Site:
    return logged_build[0]


def reported(site: Site) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for item in site.state.problems.problems:
        if item.severity != "note":
            path = item.path.removeprefix("content/")
            found.setdefault(path, set()).add((item.field, item.severity))
    return found


def test_the_corpus_has_at_least_thirty_broken_files():
    assert len(EXPECTED) >= 30
    committed = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()}
    assert committed - set(EXPECTED) == {"articles/bon.md", "articles/doublon-a.md",
                                         "articles/occupe.md", "events/rencontre-a.md",
                                         "images/ok.png"}


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_each_broken_file_gets_its_field_and_severity(dev_site, path):
    assert reported(dev_site).get(path) == EXPECTED[path]


def test_nothing_else_is_reported(dev_site):
    assert set(reported(dev_site)) == set(EXPECTED)


def test_every_problem_is_in_build_json(dev_site):
    report = json.loads((dev_site.output / "build.json").read_text(encoding="utf-8"))
    for path, problems in EXPECTED.items():
        # build.json is published: a profile without `consent: true` is not named there
        shown = WITHHELD_PROFILE if path == "members/consentement-flou.md" else path
        for field, severity in problems:
            listed = report["errors" if severity == E else "warnings"]
            pattern = re.compile(rf"^content/{re.escape(shown)}(:\d+)?: {re.escape(field)}: "
                                 r"expected .+")
            assert [m for m in listed if pattern.match(m)], (path, field)


def test_messages_say_what_was_expected_and_where(dev_site):
    errors = dev_site.state.errors
    assert ("content/articles/lien-javascript.md:5: body: expected a URL a browser only "
            "follows or shows (javascript:, vbscript: and data: URLs run code or forge a "
            'page), found "javascript:alert("') in errors
    assert ("content/articles/image-evadee.md:4: image: expected an image file inside the "
            'content folder, found "../../../../etc/passwd"') in errors
    assert ("content/articles/doublon-b.md: slug: expected a URL no other file uses "
            "(content/articles/doublon-a.md is published at blog/doublon/index.html; this "
            'file is left out), found "doublon"') in errors
    assert ("content/pages/page-sur-article.md: save_as: expected a URL no other file uses "
            "(content/articles/occupe.md is written to blog/occupe/index.html too: only one "
            'of them can be published there), found "blog/occupe/index.html"') in errors
    assert ("content/articles/enorme.md: file: expected a content file of at most 2048 KB "
            "(AGORA_CONTENT_MAX_KB; images and downloads belong in content/images or "
            "content/extra, linked from the text), found 5.0 MB") in errors
    assert ("content/articles/lien-symbolique.md: file: expected a file inside the repository "
            "(a symbolic link pointing outside it is never read), found a symbolic link to a "
            "file outside the repository") in errors
    assert ("content/articles/lien-relatif-casse.md: body: expected a link to a page of the "
            'site (/blog/pas-de-page/ is not in the output), found "../pas-de-page/"'
            ) in dev_site.state.warnings
    assert ("content/articles/image-relative.md: body: expected an image address the page "
            "can load (read from the page's address, it is "
            "/blog/image-relative/images/ok.png, not in the output; /images/... or {static} "
            'start from the site\'s root), found "images/ok.png"') in dev_site.state.warnings


def test_the_local_build_completes_and_publishes_the_good_files(dev_site):
    for path, url in PUBLISHED.items():
        assert dev_site.path(url).exists(), path
        assert path not in reported(dev_site), path
    assert dev_site.html("blog/crlf-ok/").cssselect("h1")[0].text == (
        "Fins de ligne Windows, sans defaut")
    for path, problems in EXPECTED.items():
        if any(severity == E for _, severity in problems) and path.endswith(".md"):
            slug = Path(path).stem
            assert not list(dev_site.output.rglob(f"{slug}/index.html")), path
    assert not (dev_site.output / "images" / "fuite.png").exists()


def test_no_traceback_and_no_bare_could_not_process(logged_build):
    site, lines = logged_build
    report = (site.output / "build.json").read_text(encoding="utf-8")
    for text in [*lines, report]:
        assert "Traceback" not in text
        assert "Could not process" not in text


def test_nothing_from_outside_the_repository_is_published(dev_site):
    assert "agora-outside-secret" not in dev_site.all_text()
    assert not [p for p in dev_site.output.rglob("*") if p.name in ("passwd", "hostname")]


def dangerous(url: str) -> bool:
    """A browser's reading of a URL, written again here rather than imported."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21)))).lower()
    if cleaned.startswith("data:"):
        return not re.match(r"data:image/(png|gif|jpeg|webp)[;,]", cleaned)
    return cleaned.startswith(("javascript:", "vbscript:"))


def html_of(file: Path) -> list[lxml.html.HtmlElement]:
    """The HTML a file holds: a page, or every HTML text inside a feed's XML."""
    data = file.read_bytes()
    if file.suffix == ".html":
        return [lxml.html.fromstring(data)] if data.strip() else []
    tree = lxml.etree.fromstring(data)
    return [lxml.html.fragment_fromstring(text, create_parent="div")
            for text in tree.xpath("//text()") if "<" in text]


def test_no_dangerous_url_reaches_any_page_or_feed(dev_site):
    files = [p for p in dev_site.output.rglob("*") if p.is_file()
             and p.suffix in {".html", ".xml", ".ics", ".txt", ".json"} and p.name != "build.json"]
    assert len(files) > 20
    for file in files:
        assert MARKER not in file.read_text(encoding="utf-8", errors="replace"), file
        if file.suffix not in {".html", ".xml"}:
            continue
        for root in html_of(file):
            for element in root.iter():
                for name, value in element.attrib.items():
                    assert not (name in URL_ATTRIBUTES and dangerous(value)), (file, name, value)


def test_the_html_kept_is_defanged_whatever_the_checks_said(dev_site):
    # the second line: what a check would miss never reaches a page as a live URL
    origin = Origin(str(CORPUS / "articles" / "bon.md"), "content/articles/bon.md",
                    dev_site.settings)
    html = ('<p><a href="java&#x09;script:alert(1)" class="x">a</a> '
            '<img src="data:image/png;base64,AA" alt="ok"> <a href="/ok/">b</a></p>')
    kept, problems = check_content(html, {}, origin)
    assert kept == ('<p><a class="x">a</a> <img src="data:image/png;base64,AA" alt="ok"> '
                    '<a href="/ok/">b</a></p>')
    assert [(p.field, p.severity) for p in problems] == [("body", "error")]


def test_the_production_build_fails(corpus_root, tmp_path):
    with pytest.raises(StrictModeError, match=r"strict mode: \d+ error\(s\)"):
        build(corpus_root, settings_file=REPO / "publishconf.py",
              OUTPUT_PATH=str(tmp_path / "output"))
    assert not (tmp_path / "output" / "blog").exists()


def test_agora_check_fails_and_annotates_every_problem(corpus_root, capsys):
    settings = write_check_settings(corpus_root)
    assert main(["check", "--settings", str(settings), "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    for path, problems in EXPECTED.items():
        for field, severity in problems:
            kind = "::error " if severity == E else "::warning "
            assert [line for line in out if line.startswith(kind)
                    and f"file=content/{path}" in line and f"::{field}: " in line], (path, field)
