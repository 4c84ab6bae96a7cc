"""The contract between plugins: PLUGINS decides what is active; Agora's templates cannot be
shadowed by accident; the hub model is what capabilities publish."""

from __future__ import annotations

import re

from agora.content.schema import content_model
from tests.conftest import REPO, build, write_files

ARTICLE = """
    ---
    title: Un article
    date: 2026-11-01T10:00
    ---
    Texte.
    """
EVENT = """
    ---
    title: Un atelier
    start: 2026-12-03T18:00
    ---
    Venez.
    """


def test_two_builds_in_one_process_get_the_content_types_of_their_own_plugins(tmp_path):
    files = {"articles/un-article.md": ARTICLE, "events/atelier.md": EVENT}
    write_files(tmp_path / "full" / "content", files)
    write_files(tmp_path / "core" / "content", files)
    full = build(tmp_path / "full")
    core_only = build(tmp_path / "core", PLUGINS=["agora.core"])
    again = build(tmp_path / "full", OUTPUT_PATH=str(tmp_path / "full" / "again"))

    assert {"article", "page", "series", "event", "member", "charter"} <= set(
        content_model(full.settings).types)
    assert set(content_model(core_only.settings).types) == {"article", "page", "series"}
    assert "event-start" in content_model(full.settings).types["article"].schema.fields
    assert "event-start" not in content_model(core_only.settings).types["article"].schema.fields
    # the events plugin's generator and receivers stay out of a build that does not list it
    assert full.path("events/atelier/").exists()
    assert not (core_only.output / "events").exists()
    assert core_only.state.hub.events is None and core_only.state.hub.members is None
    assert full.state.hub.events is not None
    # ... and a later build listing it again has it back
    assert (tmp_path / "full" / "again" / "events" / "atelier" / "index.html").exists()
    assert set(content_model(again.settings).types) == set(content_model(full.settings).types)


def test_a_sites_own_home_and_404_templates_do_not_replace_agoras(tmp_path):
    write_files(tmp_path / "content", {
        "articles/un-article.md": ARTICLE,
        "pages/accueil.md": """
            ---
            title: Accueil du club
            template: home
            ---
            Bienvenue au club.
            """,
    })
    write_files(tmp_path / "templates", {
        # a Pelican site's own page templates, using the page variable Agora's home lacks
        "home.html": """
            {% extends "base.html" %}
            {% block content %}<div class="site-own-home">{{ page.title }}</div>{% endblock %}
            """,
        "404.html": """
            {% extends "base.html" %}
            {% block content %}<p class="site-own-404">{{ page.title }}</p>{% endblock %}
            """,
    })
    site = build(tmp_path, THEME_TEMPLATES_OVERRIDES=[str(tmp_path / "templates")])

    home = site.text("")
    assert 'class="home"' in home and "site-own-home" not in home  # Agora's home page
    assert "site-own-404" not in site.text("404.html")
    page = site.text("accueil/")
    assert '<div class="site-own-home">Accueil du club</div>' in page  # the site's template
    assert 'class="site-header"' in page  # extending "base.html" gets Agora's layout
    assert site.state.errors == []


def test_a_site_can_still_override_agoras_templates_on_purpose(tmp_path):
    write_files(tmp_path / "content", {"articles/un-article.md": ARTICLE})
    write_files(tmp_path / "templates", {"agora/home.html": """
        {% extends "agora/base.html" %}
        {% block content %}<p class="custom-home">{{ hub.blog.articles|length }}</p>{% endblock %}
        """})
    site = build(tmp_path, THEME_TEMPLATES_OVERRIDES=[str(tmp_path / "templates")])
    assert '<p class="custom-home">1</p>' in site.text("")


def test_templates_link_through_the_url_helper():
    # an internal link is SITEURL followed by url(...) or an object's url, never a literal path
    literal = re.compile(r"""\{\{\s*SITEURL\s*\}\}/(?!\{\{)[a-z]""")
    offenders = [f"{path.relative_to(REPO)}: {match.group(0)}"
                 for path in (REPO / "theme" / "templates").rglob("*.html")
                 for match in literal.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_function_is_longer_than_80_lines():
    import ast  # noqa: PLC0415

    long = []
    for path in (REPO / "plugins" / "agora").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 80:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({length})")
    assert long == []


def test_no_merge_conflict_is_left_in_the_sources():
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)
    kinds = ("*.py", "*.md", "*.html", "*.po", "*.css", "*.js", "*.yml", "*.toml", "Makefile")
    skipped = {".venv", ".cache", "output", "node_modules", ".git"}
    offenders = [str(path.relative_to(REPO))
                 for kind in kinds for path in REPO.rglob(kind)
                 if not skipped & set(path.relative_to(REPO).parts)
                 and marker.search(path.read_text(encoding="utf-8", errors="replace"))]
    assert offenders == []
