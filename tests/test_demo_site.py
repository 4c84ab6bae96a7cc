"""The demo hub as a new user sees it after `make html`."""

from __future__ import annotations

import json

import pytest

REQUIRED_PAGES = ["", "blog/", "events/", "events/past/", "members/", "charter/", "onboarding/",
                  "about/", "forum/", "newsletter/", "404.html"]


@pytest.mark.parametrize("url", REQUIRED_PAGES)
def test_required_page_exists_with_content(demo_site, url):
    page = demo_site.html(url)
    main = page.get_element_by_id("main")
    assert main.findtext(".//h1").strip(), f"{url}: the page has no heading"
    assert len(main.text_content().split()) >= 5, f"{url}: the page is (almost) empty"


def test_build_is_clean(demo_site):
    report = json.loads((demo_site.output / "build.json").read_text())
    assert report["errors"] == []
    assert report["warnings"] == []
    assert report["built_at"] == "2026-11-20T10:00:00+01:00"


def test_every_page_has_skip_link_landmarks_and_language(demo_site):
    for file in demo_site.pages():
        page = demo_site.html(str(file.relative_to(demo_site.output)))
        assert page.get("lang") in {"fr", "en"}, file
        skip = page.cssselect("a.skip-link")
        assert skip and skip[0].get("href") == "#main", file
        assert page.cssselect("header nav") and page.cssselect("main#main"), file
        assert page.cssselect("footer"), file


def test_navigation_lists_the_hub_sections_in_french(demo_site):
    labels = [a.text_content().strip() for a in demo_site.html("").cssselect("header nav a")]
    assert labels == ["Blog", "Événements", "Membres", "Forum", "Charte", "Lettre d’information"]


def test_blog_lists_published_articles_with_pretty_urls(demo_site):
    blog = demo_site.html("blog/")
    links = {a.get("href") for a in blog.cssselect("article.article-card .card-title a")}
    assert len(links) == 10  # first page of the paginated blog
    assert all(link.startswith("../blog/") and link.endswith("/") for link in links), links
    assert demo_site.path("blog/page/2/").exists()
    assert demo_site.path("blog/bienvenue/").exists()


def test_scheduled_article_waits_for_its_date(demo_site):
    assert "astuce-planifier-saison" not in demo_site.text("blog/archives/")
    assert not demo_site.path("blog/astuce-planifier-saison/").exists()
    report = json.loads((demo_site.output / "build.json").read_text())
    assert report["next_change"] is not None
    assert report["next_change"] <= "2026-11-24T07:00:00+00:00"


def test_author_links_to_member_profile_and_no_author_pages(demo_site):
    article = demo_site.html("blog/astuce-semences/")
    author = article.cssselect("a[rel=author]")[0]
    assert author.get("href").endswith("members/sofia-martin/")
    assert author.text_content().strip() == "Sofia Martin"
    assert not (demo_site.output / "author").exists()


def test_series_are_declared_and_shown(demo_site):
    article = demo_site.html("blog/astuce-semences/")
    assert "Les astuces du mardi" in article.cssselect(".series-note")[0].text_content()


def test_demo_has_the_promised_content(demo_site):
    counts = json.loads((demo_site.output / "build.json").read_text())["counts"]
    assert counts["articles"] >= 12
    assert counts["events"] >= 8
    assert counts["members"] >= 8


def test_dates_are_formatted_in_french(demo_site):
    text = demo_site.html("blog/astuce-semences/").cssselect("p.meta time")[0].text_content()
    assert text == "27 octobre 2026"
