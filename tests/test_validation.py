"""Bad input gets a clear error naming file, field, what was expected and what was found."""

from __future__ import annotations

import json

import pytest

from agora.core import StrictModeError
from tests.conftest import build, write_files

GOOD_ARTICLE = """
---
title: Un bon article
date: 2026-10-01T09:00
author: camille-roux
---
Texte.
"""

CASES = {
    "bad-date": ("articles/bad-date.md", """
        ---
        title: Date illisible
        date: 3 décembre
        ---
        Texte.
        """, "content/articles/bad-date.md: date: expected ISO date-time like 2026-12-03T18:00",
        'found "3 décembre"'),
    "bad-yaml": ("articles/bad-yaml.md", """
        ---
        title: "YAML cassé
        date: 2026-10-01
        ---
        Texte.
        """, "content/articles/bad-yaml.md:", "front matter: expected valid YAML"),
    "missing-title": ("articles/missing-title.md", """
        ---
        date: 2026-10-01
        ---
        Texte.
        """, "content/articles/missing-title.md: title: expected text", "found nothing"),
    "unknown-series": ("articles/unknown-series.md", """
        ---
        title: Série inconnue
        date: 2026-10-01
        series: pas-une-serie
        ---
        Texte.
        """, "content/articles/unknown-series.md: series: expected a known series slug",
        'found "pas-une-serie"'),
    "tags-mapping": ("articles/tags-mapping.md", """
        ---
        title: Étiquettes
        date: 2026-10-01
        tags: {a: 1}
        ---
        Texte.
        """, "content/articles/tags-mapping.md: tags: expected a list of text values", "found"),
    "event-start": ("events/ama.md", """
        ---
        title: AMA
        start: 3 décembre
        ---
        Texte.
        """, "content/events/ama.md: start: expected ISO date-time like 2026-12-03T18:00",
        'found "3 décembre"'),
    "event-end-before-start": ("events/reversed.md", """
        ---
        title: À l'envers
        start: 2026-12-03T18:00
        end: 2026-12-03T17:00
        ---
        Texte.
        """, "content/events/reversed.md: end: expected a time after start", "found"),
    "event-timezone": ("events/zone.md", """
        ---
        title: Fuseau inconnu
        start: 2026-12-03T18:00
        timezone: Europe/Lyon
        ---
        Texte.
        """, "content/events/zone.md: timezone: expected an IANA time zone", 'found "Europe/Lyon"'),
    "event-format": ("events/format.md", """
        ---
        title: Format inconnu
        start: 2026-12-03T18:00
        format: barbecue
        ---
        Texte.
        """, "content/events/format.md: format: expected one of webinar", 'found "barbecue"'),
    "event-url": ("events/url.md", """
        ---
        title: Mauvais lien
        start: 2026-12-03T18:00
        registration_url: www.example.org
        ---
        Texte.
        """, "content/events/url.md: registration_url: expected an absolute http(s) URL",
        'found "www.example.org"'),
}


@pytest.fixture(scope="module")
def broken_site(make_site):
    files = {"articles/good.md": GOOD_ARTICLE}
    files.update({path: text for path, text, *_ in CASES.values()})
    return make_site(files, name="broken")


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_names_file_field_expected_and_found(broken_site, case):
    _path, _, where_and_what, found = CASES[case]
    messages = [m for m in broken_site.state.log.errors if where_and_what in m]
    assert messages, f"no error like {where_and_what!r} in {broken_site.state.log.errors}"
    assert found in messages[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_file_is_left_out_not_silently(broken_site, case):
    path = CASES[case][0]
    slug = path.rsplit("/", 1)[1].removesuffix(".md")
    assert not list(broken_site.output.rglob(f"{slug}/index.html")), f"{path} was published"
    report = json.loads((broken_site.output / "build.json").read_text())
    assert any(path in error for error in report["errors"])


def test_good_content_still_builds(broken_site):
    assert broken_site.path("blog/good/").exists()


def test_unknown_field_is_a_warning_not_an_error(make_site):
    site = make_site({"articles/extra.md": """
        ---
        title: Champ en trop
        date: 2026-10-01
        colour: vert
        sumary: Un résumé mal orthographié.
        ---
        Texte.
        """}, name="unknown-field")
    assert site.path("blog/extra/").exists()
    warnings = [w for w in site.state.log.warnings if "colour" in w]
    assert warnings and ("content/articles/extra.md: colour: expected an article field, "
                         "one of: author, authors, category, date") in warnings[0]
    assert "found a field no schema knows" in warnings[0]
    # compatibility fields (pelican-events) are accepted but not advertised
    assert "event-start" not in warnings[0]
    typo = [w for w in site.state.log.warnings if "sumary" in w]
    assert typo and "sumary: expected an article field (did you mean summary?)" in typo[0]
    assert not site.state.log.errors


def test_strict_mode_fails_the_build(make_site):
    with pytest.raises(StrictModeError, match="strict mode"):
        make_site({"articles/bad.md": CASES["bad-date"][1]}, name="strict", AGORA_STRICT=True)


def test_yaml_error_reports_the_line(broken_site):
    message = next(m for m in broken_site.state.log.errors if "bad-yaml.md" in m)
    assert message.startswith("content/articles/bad-yaml.md:")
    line = message.split(":")[1]
    assert line.isdigit() and 2 <= int(line) <= 4


def test_native_pelican_metadata_and_rst_keep_working(make_site):
    site = make_site({
        "articles/native.md": """
            Title: Métadonnées natives
            Date: 2026-10-01 09:00
            Tags: un, deux
            Category: Anciens

            Un article écrit pour Pelican sans YAML.
            """,
        "articles/ancien.rst": """
            Un article en reStructuredText
            ##############################

            :date: 2026-10-02 10:00
            :tags: rst, migration
            :category: Anciens

            Toujours publié.
            """,
    }, name="native")
    native = site.html("blog/native/")
    assert native.cssselect("h1")[0].text_content() == "Métadonnées natives"
    assert {a.text_content() for a in native.cssselect("p.tags a")} == {"un", "deux"}
    assert site.html("blog/ancien/").cssselect("h1")[0].text_content() == \
        "Un article en reStructuredText"
    assert not site.state.log.errors


# --- files Agora cannot read: the reason, never a bare "Could not process" --------------

UNREADABLE = {
    "articles/impossible-date.md": ("""
        ---
        title: Date impossible
        date: 2026-13-45
        ---
        Texte.
        """, 'content/articles/impossible-date.md: date: expected ISO date-time like '
         '2026-12-03T18:00, or a date like 2026-12-03', 'found "2026-13-45"'),
    "articles/impossible-native.md": ("""
        Title: Date impossible, métadonnées natives
        Date: 2026-13-45 19:00

        Texte.
        """, "content/articles/impossible-native.md: date: expected ISO date-time",
        'found "2026-13-45 19:00"'),
    "articles/broken.rst": ("""
        Directive inconnue
        ##################

        :date: 2026-10-01

        .. pas-une-directive::
        """, "content/articles/broken.rst:6: content: expected markup its reader can read",
        'found Unknown directive type "pas-une-directive"'),
}


@pytest.fixture(scope="module")
def unreadable_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("unreadable")
    files = {"articles/good.md": GOOD_ARTICLE}
    files.update({path: text for path, (text, *_) in UNREADABLE.items()})
    write_files(root / "content", files)
    # saved by an editor set to Latin-1: "é" is the single byte 0xe9, on line 3
    (root / "content" / "articles" / "latin1.md").write_bytes(
        "Title: Cafe\nDate: 2026-10-01\nSummary: Un caf\u00e9 cr\u00e8me.\n\nTexte.\n"
        .encode("latin-1"))
    # a link left behind when its target moved: listed, but nothing to open
    (root / "content" / "articles" / "moved.md").symlink_to(root / "nowhere.md")
    return build(root)


def test_impossible_dates_and_reader_errors_name_the_field(unreadable_site):
    for where_and_what, found in (case[1:] for case in UNREADABLE.values()):
        messages = [m for m in unreadable_site.state.errors if m.startswith(where_and_what)]
        assert messages, f"no error like {where_and_what!r} in {unreadable_site.state.errors}"
        assert found in messages[0]


def test_undecodable_and_unreadable_files_say_why(unreadable_site):
    errors = unreadable_site.state.errors
    assert ("content/articles/latin1.md:3: encoding: expected UTF-8 text (save the file as "
            "UTF-8), found byte 0xe9 at line 3") in errors
    assert ("content/articles/moved.md: file: expected a file Pelican can open, "
            "found No such file or directory") in errors


def test_no_bare_could_not_process(unreadable_site):
    report = json.loads((unreadable_site.output / "build.json").read_text())
    assert [e for e in report["errors"] if "Could not process" in e] == []
    assert [e for e in unreadable_site.state.log.errors if "Could not process" in e] == []
    for path in [*UNREADABLE, "articles/latin1.md", "articles/moved.md"]:
        assert any(path in error for error in report["errors"]), path
        slug = path.rsplit("/", 1)[1].split(".")[0]
        assert not unreadable_site.path(f"blog/{slug}/").exists(), path
    assert unreadable_site.path("blog/good/").exists()


# --- a theme's own fields ----------------------------------------------------------------

THEMED = {
    "articles/themed.md": """
        ---
        title: Avec les champs du thème
        date: 2026-10-01
        og_image: images/jardin.jpg
        comments: false
        ---
        Texte.
        """,
    "articles/themed-too.md": """
        Title: Aussi avec les champs du thème
        Date: 2026-10-02
        Og_image: images/serre.jpg

        Texte.
        """,
}
OWN_ARTICLE_TEMPLATE = """
    {% extends "!theme/article.html" %}
    {% block content %}{{ super() }}<meta class="theme-field" content="{{ article.og_image }}">
    {% endblock %}
    """


def test_declared_theme_fields_reach_templates_and_are_not_reported(make_site, tmp_path):
    write_files(tmp_path / "templates", {"article.html": OWN_ARTICLE_TEMPLATE})
    site = make_site(THEMED, name="themed", with_demo_members=False,
                     AGORA_EXTRA_FIELDS=["og_image", "Comments"],
                     THEME_TEMPLATES_OVERRIDES=[str(tmp_path / "templates")])
    assert '<meta class="theme-field" content="images/jardin.jpg">' in site.text("blog/themed/")
    assert 'content="images/serre.jpg">' in site.text("blog/themed-too/")
    assert not [w for w in site.state.warnings if "og_image" in w or "comments" in w]
    assert json.loads((site.output / "build.json").read_text())["unknown_fields"] == {}


def test_undeclared_theme_fields_are_kept_and_reported_once_each(make_site):
    site = make_site(THEMED, name="themed-undeclared", with_demo_members=False)
    og_image = [w for w in site.state.warnings if ": og_image: " in w]
    assert og_image == [
        "content: og_image: expected an article field (did you mean image?); declare it in "
        "AGORA_EXTRA_FIELDS if your theme uses it, found a field no schema knows, in 2 files "
        "(agora check --verbose lists them)"]
    report = json.loads((site.output / "build.json").read_text())
    assert report["unknown_fields"] == {
        "comments": ["content/articles/themed.md"],
        "og_image": ["content/articles/themed-too.md", "content/articles/themed.md"]}
    assert site.path("blog/themed/").exists() and site.path("blog/themed-too/").exists()


def test_unknown_fields_as_errors_spare_declared_ones(make_site):
    site = make_site(THEMED, name="themed-strict", with_demo_members=False,
                     AGORA_UNKNOWN_FIELDS="error", AGORA_EXTRA_FIELDS=["og_image"])
    assert [e for e in site.state.errors if "themed.md" in e] == [
        "content/articles/themed.md: comments: expected an article field, one of: author, "
        "authors, category, date, forum_embed, forum_topic, image, image_alt, lang, modified, "
        "save_as, series, slug, spotlight, status, summary, tags, template, timezone, title, "
        "translation, translation_of, url, found a field no schema knows"]
    assert site.path("blog/themed-too/").exists() and not site.path("blog/themed/").exists()


def test_impossible_date_in_a_file_name_names_the_field(make_site):
    site = make_site({"articles/2026-13-45-bad-name.md": "Title: Nom daté\n\nTexte.\n",
                      "articles/2026-10-01-good-name.md": "Title: Bon\n\nTexte.\n"},
                     name="dated-names", with_demo_members=False,
                     FILENAME_METADATA=r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.*)")
    assert site.state.errors == [
        "content/articles/2026-13-45-bad-name.md: date: expected ISO date-time like "
        "2026-12-03T18:00, or a date like 2026-12-03 (or any other form Pelican reads, like "
        '5 December 2014), found "2026-13-45"']
    assert site.path("blog/good-name/").exists()
