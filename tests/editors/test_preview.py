"""Scheduled publishing and previews: a future-dated post appears in no file of a production
build, previews show it (and drafts) with a banner, and build.json says when to rebuild."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, time
from pathlib import Path

import brotli
import pytest

from agora.editors.plan import make_plan
from tests.conftest import REPO, build, write_files

SCHEDULED = ("astuce-planifier-saison", "planifier la saison en équipe",
             "Un calendrier de culture partagé évite les doublons")


def readable(path: Path) -> str:
    """A file's text, compressed copies (.gz, .br, gzip data in any file) decompressed."""
    data = path.read_bytes()
    if path.suffix == ".br":
        data = brotli.decompress(data)
    elif data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def test_a_scheduled_post_is_in_no_file_of_the_production_build(published_demo):
    files = [p for p in published_demo.output.rglob("*") if p.is_file()]
    assert any(p.suffix == ".br" for p in files) and any(p.suffix == ".gz" for p in files)
    leaks = [f"{p.relative_to(published_demo.output)}: {words}" for p in files
             for words in SCHEDULED if words in readable(p)]
    assert leaks == []
    assert not (published_demo.output / "drafts").exists()
    assert not [p for p in files if "data-preview-banner" in readable(p)]
    report = json.loads((published_demo.output / "build.json").read_text(encoding="utf-8"))
    assert report["next_change"] == "2026-11-24T07:00:00+00:00"  # it goes live then
    assert report["next_change_reason"] == "a scheduled post goes live"  # not which one


def test_the_preview_shows_it_at_its_drafts_url_with_a_banner(demo_site):
    page = demo_site.html("drafts/astuce-planifier-saison/")
    banner = page.cssselect("[data-preview-banner]")
    assert [b.text_content().strip() for b in banner] == [
        "Aperçu — pas encore publié (prévu le 24 novembre)"]
    assert page.cssselect("main h1")[0].text_content().strip().startswith("Astuce du mardi")
    published = [p for p in demo_site.pages() if "drafts" not in p.parts]
    assert not [p for p in published if "data-preview-banner" in p.read_text(encoding="utf-8")]


UNPUBLISHED = {
    "articles/brouillon.md": """
        ---
        title: Un brouillon
        date: 2026-11-01T09:00
        status: draft
        ---
        Pas fini.
        """,
    "articles/bientot.md": """
        ---
        title: Bientôt
        date: 2026-12-03T08:00
        ---
        Le 3 décembre.
        """,
    "articles/bientot-en.md": """
        ---
        title: Soon
        slug: bientot
        lang: en
        date: 2026-12-03T08:00
        ---
        On 3 December.
        """,
    "pages/projet.md": """
        ---
        title: Un projet de page
        status: draft
        ---
        À relire.
        """,
    "events/atelier-brouillon.md": """
        ---
        title: Atelier en préparation
        start: 2026-12-12T10:00
        duration: 2h
        status: draft
        attendance: online
        online_url: https://visio.example/atelier
        ---
        Programme à confirmer.
        """,
}


@pytest.fixture(scope="module")
def preview_and_production(tmp_path_factory):
    sites = []
    for name, settings in (("preview", "pelicanconf.py"), ("production", "publishconf.py")):
        root = tmp_path_factory.mktemp(name)
        write_files(root / "content", UNPUBLISHED)
        sites.append(build(root, settings_file=REPO / settings))
    return sites


def banner(site, url: str) -> str:
    return " ".join(b.text_content().strip()
                    for b in site.html(url).cssselect("[data-preview-banner]"))


def test_drafts_and_scheduled_posts_in_every_language_carry_the_banner(preview_and_production):
    preview, _ = preview_and_production
    assert banner(preview, "drafts/brouillon/") == "Aperçu — pas encore publié (brouillon)"
    assert banner(preview, "drafts/bientot/") == "Aperçu — pas encore publié (prévu le 3 décembre)"
    assert banner(preview, "en/drafts/bientot/") == \
        "Preview — not published yet (scheduled for 3 December)"
    assert banner(preview, "drafts/pages/projet/") == "Aperçu — pas encore publié (brouillon)"
    assert not preview.path("blog/bientot/").exists()


def test_a_draft_event_is_previewed_and_listed_nowhere(preview_and_production):
    preview, _ = preview_and_production
    url = "drafts/events/atelier-brouillon/"
    assert banner(preview, url) == "Aperçu — pas encore publié (brouillon)"
    page = preview.html(url)
    assert page.cssselect("main h1")[0].text_content().strip() == "Atelier en préparation"
    assert not page.cssselect("[data-pagefind-body]")  # never in the search index
    elsewhere = [p.relative_to(preview.output).as_posix() for p in preview.output.rglob("*")
                 if p.is_file() and "drafts" not in p.parts and p.name != "build.json"
                 and "Atelier en préparation" in readable(p)]
    assert elsewhere == []  # no listing, feed, calendar or sitemap
    assert not preview.path("events/atelier-brouillon/").exists()


def test_production_writes_none_of_them(preview_and_production):
    _, production = preview_and_production
    files = [p for p in production.output.rglob("*") if p.is_file()]
    text = "\n".join(readable(p) for p in files)
    for words in ("Un brouillon", "Bientôt", "Soon", "Un projet de page", "bientot", "projet",
                  "Atelier en préparation", "atelier-brouillon", "data-preview-banner"):
        assert words not in text, words
    assert production.state.options.preview is False


def test_build_json_says_when_each_kind_of_new_output_appears(demo_site):
    """Whatever the plan has coming (a scheduled post, an event, a newsletter issue), the
    build records the moment it appears; next_change is the first of them."""
    state = demo_site.state
    changes = {moment for moment, _ in state.next_changes}
    plan = make_plan(state, demo_site.settings, 4)
    first: dict[str, datetime] = {}
    for entry in plan.entries:
        if entry.at is None or entry.status in ("gap", "draft", "published"):
            continue
        kind = "event" if entry.kind == "event" else entry.kind
        moment = entry.at if entry.kind != "newsletter" else datetime.combine(
            entry.day, time(0), tzinfo=state.hub.zone)
        first.setdefault(kind, moment)
    assert set(first) == {"slot", "event", "newsletter"}  # the scheduled post fills a slot
    for kind, moment in first.items():
        assert moment in changes, kind
    report = json.loads((demo_site.output / "build.json").read_text(encoding="utf-8"))
    assert datetime.fromisoformat(report["next_change"]) == min(changes)
    assert min(changes) <= min(first.values())
