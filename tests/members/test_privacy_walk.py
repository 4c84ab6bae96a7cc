"""A member who did not consent is named nowhere: one walk over every file a build writes.

The site names Marc Petit (``consent: false``) everywhere an editor or the forum
could: as an author (by slug and by name), as a spotlight, as an event's host and
speaker, in a profile with a broken avatar, and in the forum snapshot as the top
contributor, a topic's author, a best reply's author and a last poster. Then every
file of the output is read -- pages, feeds, calendars, newsletter e-mails, JSON,
``build.json``, and any search index or sitemap a later plugin adds (compressed
files opened) -- along with what ``agora check --format github`` prints for
pull-request annotations. His name, slug and forum username appear in none.

One exception, by design: ``agora check`` may point editors at his own profile
file (its path holds his slug, and the repository holds the file anyway); no
message names him.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import brotli
import pytest

from agora.cli import main
from tests.conftest import REPO, Site, write_check_settings

# one worker builds the site once (make test distributes by group)
pytestmark = pytest.mark.xdist_group("privacy-walk")

PATTERNS = (re.compile(r"marc[\s._-]?petit", re.IGNORECASE), re.compile(r"\bmarc\.p\b"))
OWN_PROFILE = "content/members/marc-petit.md"

FILES = {
    "members/marc-petit.md": """
        ---
        name: Marc Petit
        roles: [member]
        since: 2022-01-17
        discourse: marc.p
        avatar: images/members/absent.png
        consent: false
        ---
        Profil en attente.
        """,
    "articles/ecrit-par-lui.md": """
        ---
        title: Un article signé sans consentement
        date: 2026-11-02T09:00
        author: marc-petit
        ---
        Texte.
        """,
    "articles/a-quatre-mains.md": """
        ---
        title: Un article à quatre mains
        date: 2026-11-03T09:00
        authors: [camille-roux, Marc Petit]
        ---
        Texte.
        """,
    "articles/portrait-refuse.md": """
        ---
        title: Un portrait refusé
        date: 2026-11-04T09:00
        author: sofia-martin
        spotlight: marc-petit
        ---
        Texte.
        """,
    "articles/portrait-accepte.md": """
        ---
        title: Portrait de Sofia
        date: 2026-10-20T09:00
        author: camille-roux
        spotlight: sofia-martin
        ---
        Texte.
        """,
    "events/anime-par-lui.md": """
        ---
        title: Atelier animé sans consentement
        start: 2026-12-05T14:00
        hosts: [marc-petit]
        ---
        Texte.
        """,
    "events/avec-intervenant.md": """
        ---
        title: Atelier avec intervenant
        start: 2026-12-06T14:00
        hosts: [camille-roux]
        speakers: [marc-petit]
        ---
        Texte.
        """,
}


def featured_snapshot(folder: Path) -> Path:
    """The demo snapshot where marc.p tops everything the forum pages show."""
    shutil.copytree(REPO / "data" / "forum", folder)
    path = folder / "snapshot.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    him = {"username": "marc.p", "name": "Marc Petit"}
    top = dict(data["directory"][0])
    data["directory"].insert(0, {**top, **him, "likes_received": 999, "post_count": 400})
    data["users"]["marc.p"] = {"username": "marc.p", "name": "Marc Petit", "post_count": 400}
    for topic in data["topics"].values():
        topic["author"] = {**topic["author"], **him}
        topic["last_poster_username"] = "marc.p"
        for reply in topic["best_replies"][:1]:
            reply.update(him)
        for participant in topic.get("participants", [])[:1]:
            participant.update(him)
    for summary in data["latest"]:
        summary["last_poster_username"] = "marc.p"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def private_site(make_site, tmp_path_factory) -> tuple[Site, Path]:
    snapshot = featured_snapshot(tmp_path_factory.mktemp("featured") / "forum")
    return make_site(FILES, name="privacy", AGORA_FORUM_SNAPSHOT_DIR=str(snapshot)), snapshot


def readable(path: Path) -> str:
    """A file's text, opened if it is gzip or brotli (a search index, a precompressed twin)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    elif path.suffix == ".br":
        data = brotli.decompress(data)
    return path.relative_to(path.anchor).as_posix() + "\n" + data.decode("utf-8", "replace")


def named_in(text: str) -> list[str]:
    return [p.pattern for p in PATTERNS if p.search(text)]


def test_the_scan_finds_him_where_he_is_written(private_site):
    site, snapshot = private_site
    assert named_in(readable(site.root / "content" / "members" / "marc-petit.md"))
    assert named_in(readable(snapshot / "snapshot.json"))


def test_the_site_names_what_he_did_without_naming_him(private_site):
    site, _ = private_site
    assert site.path("blog/ecrit-par-lui/").exists()
    assert "Camille Roux" in site.text("blog/a-quatre-mains/")
    assert not site.path("blog/portrait-refuse/").exists()
    assert not site.path("events/anime-par-lui/").exists()
    assert list(site.output.rglob("email.html")) and list(site.output.rglob("email.txt"))
    errors = site.state.errors
    assert [e for e in errors if e.startswith("content/articles/portrait-refuse.md: "
                                              "spotlight: ")]
    assert [e for e in errors if e.startswith("content/events/anime-par-lui.md: hosts: ")]
    assert [e for e in errors if e.startswith(f"{OWN_PROFILE}: avatar: ")]


def test_no_output_file_names_him(private_site):
    site, _ = private_site
    files = [p for p in sorted(site.output.rglob("*")) if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".html", ".xml", ".ics", ".json", ".txt", ".webp", ".png"} <= kinds
    assert [(p.relative_to(site.output).as_posix(), found) for p in files
            if (found := named_in(readable(p)))] == []


def test_build_json_reports_his_profile_without_its_name(private_site):
    site, _ = private_site
    report = json.loads((site.output / "build.json").read_text(encoding="utf-8"))
    assert ("content/(a member profile without consent): avatar: expected an existing image "
            "file at content/images/members/absent.png, found \"images/members/absent.png\""
            ) in report["errors"]


def test_no_annotation_names_him(private_site, capsys):
    site, snapshot = private_site
    settings = write_check_settings(site.root, snapshot)
    assert main(["check", "--settings", str(settings), "--format", "github"]) == 1
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).splitlines()
    assert any("portrait-refuse.md" in line for line in lines)
    assert any(f"file={OWN_PROFILE}," in line for line in lines)  # his avatar's error
    # his profile's file may be pointed at, for editors to fix it; he is named nowhere
    profile = OWN_PROFILE.removeprefix("content/")
    assert [line for line in lines if named_in(line.replace(profile, "FILE"))] == []
