"""Adopted corpus sites: Agora builds exactly what bare Pelican builds, where Pelican builds it.

Each site is built with the settings ``agora adopt`` writes (Agora's defaults,
the site's own settings, Agora's plugins and theme) and compared with its bare
Pelican build: same source files in the same buckets, same URLs and output
paths, the same dates, categories and authors, no error and no traceback.
"""

from __future__ import annotations

import json

import pytest

from agora.content.unknown import DECLARE
from tests.adopt.harness import Builds, expected, site_names

pytestmark = pytest.mark.xdist_group("adopt-corpus")

SITES = site_names()
#: Fields Pelican computes the same way whoever reads the file.
PELICAN_FIELDS = ("slug", "date", "modified", "category", "authors")


@pytest.mark.parametrize("site", SITES)
def test_agora_builds_the_same_files_at_the_same_urls(site: str, bare: Builds,
                                                      agora: Builds) -> None:
    reference, adopted = bare(site), agora(site)
    assert reference.differences(adopted) == []
    assert {k: v for k, v in adopted.summary().items() if k != "errors"} == \
        expected(site)["counts"]


@pytest.mark.parametrize("site", SITES)
def test_agora_reads_pelicans_fields_as_pelican_does(site: str, bare: Builds,
                                                     agora: Builds) -> None:
    adopted = agora(site)
    different = []
    for record in bare(site).records():
        mine = adopted.find(record.source)
        assert mine is not None, record.source
        different += [f"{record.source}: {name}: {getattr(record, name)!r} != "
                      f"{getattr(mine, name)!r}" for name in PELICAN_FIELDS
                      if getattr(record, name) != getattr(mine, name)]
    assert different == []


@pytest.mark.parametrize("site", SITES)
def test_agora_build_has_no_error_and_writes_every_page(site: str, agora: Builds) -> None:
    adopted = agora(site)
    assert adopted.errors == []
    missing = [r.save_as for r in adopted.records() if not (adopted.output / r.save_as).is_file()]
    assert missing == []
    report = json.loads((adopted.output / "build.json").read_text(encoding="utf-8"))
    assert report["errors"] == []


@pytest.mark.parametrize("site", SITES)
def test_agora_warns_only_where_pelican_does_or_about_unknown_fields(site: str,
                                                                     agora: Builds) -> None:
    allowed = expected(site)["allowed_warnings"]
    unexpected = [w for w in agora(site).warnings
                  if not any(a in w for a in allowed) and DECLARE not in w]
    assert unexpected == []


def test_theme_fields_are_one_warning_each_and_listed_per_file(agora: Builds) -> None:
    adopted = agora("theme-fields")
    summaries = [w for w in adopted.warnings if DECLARE in w]
    assert len(summaries) == 8  # comments, description, email, imagefeature, layout, ...
    assert len([w for w in summaries if ": comments: " in w]) == 1
    comments = next(w for w in summaries if ": comments: " in w)
    assert "in 3 files (agora check --verbose lists them)" in comments
    report = json.loads((adopted.output / "build.json").read_text(encoding="utf-8"))
    assert report["unknown_fields"]["comments"] == [
        "content/pages/projects.md", "content/posts/ohm-and-watts.rst",
        "content/posts/pcb-design-basics.md"]
    assert report["unknown_fields"]["mathjax"] == [
        "content/posts/ohm-and-watts.rst", "content/posts/pcb-design-basics.md"]


def test_declared_theme_fields_are_not_reported(tmp_path) -> None:
    from tests.adopt.harness import agora_build  # noqa: PLC0415

    fields = ["comments", "description", "email", "imagefeature", "layout", "mathjax",
              "og_image", "subtitle"]
    adopted = agora_build("theme-fields", tmp_path, AGORA_EXTRA_FIELDS=fields)
    assert [w for w in adopted.warnings if DECLARE in w] == []
    report = json.loads((adopted.output / "build.json").read_text(encoding="utf-8"))
    assert report["unknown_fields"] == {}


def test_a_sites_own_home_and_404_pages_and_templates_are_used(agora: Builds) -> None:
    adopted = agora("custom-templates")
    home = (adopted.output / "index.html").read_text(encoding="utf-8")
    assert '<section id="content" class="body home">' in home  # the site's home.html
    assert "Learn to Code by the River" in home and "Latest from the blog" in home
    not_found = (adopted.output / "404.html").read_text(encoding="utf-8")
    assert '<body class="not-found">' in not_found  # the site's stand-alone 404.html
    article = (adopted.output / "first-session-of-the-term.html").read_text(encoding="utf-8")
    # the site's article.html extends Agora's ("!theme/article.html")
    assert 'class="club-note"' in article and 'class="site-header"' in article
    assert (adopted.output / "blog" / "index.html").is_file()


def test_free_text_authors_get_author_pages_at_the_sites_urls(agora: Builds) -> None:
    adopted = agora("multi-author")
    # AUTHOR_URL = "authors/{slug}.html" in the site's settings
    page = (adopted.output / "authors" / "okafor-amara.html").read_text(encoding="utf-8")
    assert "Okafor, Amara" in page
    record = adopted.find("issue-02.markdown")
    assert record is not None and record.authors == ("Okafor, Amara", "Castillo, Ben")
    byline = (adopted.output / record.save_as).read_text(encoding="utf-8")
    assert ('<a rel="author" href="/authors/okafor-amara.html">Okafor, Amara</a>, '
            '<a rel="author" href="/authors/castillo-ben.html">Castillo, Ben</a>') in byline
    assert (adopted.output / "feeds" / "authors" / "chen-wei.atom.xml").is_file()
