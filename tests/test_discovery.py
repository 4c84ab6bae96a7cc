"""Machine-readable basics: sitemap.xml, robots.txt, canonical links, social cards, JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from tests.conftest import REPO

PUBLIC = "https://jardiniers-du-partage.example"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap(site):
    return etree.fromstring(site.path("sitemap.xml").read_bytes())


def locations(site):
    return [loc.text for loc in sitemap(site).iterfind("s:url/s:loc", NS)]


def html_pages(site):
    return [p for p in site.pages()
            if p.relative_to(site.output).parts[0] not in ("pagefind", "drafts")]


def test_sitemap_lists_every_published_page_and_nothing_else(demo_site):
    listed = set(locations(demo_site))
    assert len(listed) == len(locations(demo_site))  # each once
    for url in ("/", "/blog/", "/blog/page/2/", "/blog/astuce-semences/", "/events/",
                "/events/atelier-compost/", "/members/camille-roux/", "/charter/",
                "/en/charter/", "/onboarding/", "/search/", "/feeds/", "/tag/compost/"):
        assert PUBLIC + url in listed, url
    text = demo_site.path("sitemap.xml").read_text()
    for absent in ("404.html", "/drafts/", "marc-petit", "/charter/v/", "astuce-planifier"):
        assert absent not in text, absent
    # every HTML page the build wrote is listed, but the 404 page and archived charters
    written = {PUBLIC + "/" + p.relative_to(demo_site.output).as_posix().removesuffix(
        "index.html") for p in html_pages(demo_site)}
    assert written - listed == {PUBLIC + "/404.html", PUBLIC + "/en/404.html",
                                PUBLIC + "/charter/v/1.0/", PUBLIC + "/charter/v/2.0/"}


def test_translations_are_alternates_of_each_other(demo_site):
    root = sitemap(demo_site)
    for url in ("/charter/", "/en/charter/"):
        entry = root.xpath(f"s:url[s:loc='{PUBLIC}{url}']", namespaces=NS)[0]
        links = {link.get("hreflang"): link.get("href")
                 for link in entry.iterfind("x:link", NS)}
        assert links == {"fr": PUBLIC + "/charter/", "en": PUBLIC + "/en/charter/"}


def test_listings_in_each_language_are_alternates_of_each_other(demo_site):
    """The same alternates as each listing's own hreflang links (one function makes both)."""
    root = sitemap(demo_site)
    for path in ("/events/", "/en/events/", "/blog/page/2/", "/en/blog/page/2/", "/search/"):
        entry = root.xpath(f"s:url[s:loc='{PUBLIC}{path}']", namespaces=NS)[0]
        links = {link.get("hreflang"): link.get("href")
                 for link in entry.iterfind("x:link", NS)}
        french = path.removeprefix("/en")
        assert links == {"fr": PUBLIC + french, "en": PUBLIC + "/en" + french}, path
        page = demo_site.html(path.lstrip("/"))
        heads = {link.get("hreflang") for link in page.cssselect("link[hreflang]")}
        assert heads == {"fr", "en", "x-default"}, path
    # a tag's listing exists in both languages, as the blog's does
    tag = root.xpath(f"s:url[s:loc='{PUBLIC}/tag/compost/']", namespaces=NS)[0]
    assert {link.get("hreflang"): link.get("href") for link in tag.iterfind("x:link", NS)} == {
        "fr": PUBLIC + "/tag/compost/", "en": PUBLIC + "/en/tag/compost/"}


def test_lastmod_is_the_contents_date_and_never_after_the_build(demo_site):
    root = sitemap(demo_site)
    article = root.xpath(f"s:url[s:loc='{PUBLIC}/blog/astuce-semences/']", namespaces=NS)[0]
    assert article.findtext("s:lastmod", namespaces=NS).startswith("2026-")
    charter = root.xpath(f"s:url[s:loc='{PUBLIC}/charter/']", namespaces=NS)[0]
    assert charter.findtext("s:lastmod", namespaces=NS) == "2026-10-01T00:00:00+02:00"
    stamps = [m.text for m in root.iterfind("s:url/s:lastmod", NS)]
    assert stamps and max(stamps) <= "2026-11-20T10:00:00+01:00"


def test_sitemap_is_valid_against_its_structure(demo_site):
    root = sitemap(demo_site)
    assert root.tag == f"{{{NS['s']}}}urlset"
    for entry in root.iterfind("s:url", NS):
        assert entry.findtext("s:loc", namespaces=NS).startswith(PUBLIC + "/")


def test_robots_points_at_the_sitemap(demo_site):
    robots = demo_site.text("robots.txt")
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots.splitlines()
    assert "Disallow: /\n" not in robots


def test_a_sites_own_robots_txt_is_kept(make_site):
    site = make_site({"extra/robots.txt": "User-agent: *\nDisallow: /private/\n"},
                     name="own-robots", with_demo_members=False,
                     EXTRA_PATH_METADATA={"extra/robots.txt": {"path": "robots.txt"}})
    assert site.text("robots.txt") == "User-agent: *\nDisallow: /private/\n"
    assert site.path("sitemap.xml").exists()


def test_no_public_address_no_sitemap_nor_canonical(make_site):
    site = make_site({"articles/un.md": "---\ntitle: Un\ndate: 2026-11-01\n---\nTexte.\n"},
                     name="no-public", with_demo_members=False, PUBLIC_SITEURL="",
                     FEED_DOMAIN="")
    assert not site.path("sitemap.xml").exists()
    assert "Sitemap:" not in site.text("robots.txt")
    assert not site.html("blog/un/").cssselect("link[rel=canonical]")
    assert site.state.errors == [] and site.state.warnings == []


def head(site, url):
    page = site.html(url)
    meta = {m.get("property") or m.get("name"): m.get("content")
            for m in page.cssselect("head meta") if m.get("content") is not None}
    canonical = [link.get("href") for link in page.cssselect("head link[rel=canonical]")]
    return page, meta, canonical


def test_every_page_has_its_canonical_address(demo_site):
    for path in html_pages(demo_site):
        relative = path.relative_to(demo_site.output).as_posix()
        _, _, canonical = head(demo_site, relative)
        if relative in ("404.html", "en/404.html"):  # the 404 page in each language
            assert canonical == []
            continue
        assert canonical == [PUBLIC + "/" + relative.removesuffix("index.html")], relative


def test_cards_have_title_description_url_and_image(demo_site):
    page, meta, canonical = head(demo_site, "blog/astuce-semences/")
    assert meta["og:title"] == page.cssselect("h1")[0].text_content().strip()
    assert meta["og:type"] == "article" and meta["og:url"] == canonical[0]
    assert meta["og:description"] == meta["description"] != ""
    assert meta["og:image"] == f"{PUBLIC}/theme/images/social-card.png"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:title"] == meta["og:title"]
    assert meta["twitter:image"] == meta["og:image"]
    assert meta["og:locale"] == "fr_FR"
    _, member, _ = head(demo_site, "members/camille-roux/")
    assert member["og:type"] == "profile" and member["og:title"] == "Camille Roux"
    _, english, _ = head(demo_site, "en/charter/")
    assert english["og:locale"] == "en_US"


def test_an_articles_own_image_and_the_sites_default(make_site):
    files = {"articles/photo.md": "---\ntitle: Photo\ndate: 2026-11-01\nimage: images/serre.png\n"
                                  "image_alt: Une serre\n---\nTexte.\n",
             "articles/sans.md": "---\ntitle: Sans\ndate: 2026-11-02\n---\nTexte.\n",
             "images/serre.png": "PNG"}  # the image the article names
    site = make_site(files, name="cards", with_demo_members=False,
                     AGORA_SOCIAL_IMAGE="images/carte.png")
    _, own, _ = head(site, "blog/photo/")
    assert own["og:image"] == f"{PUBLIC}/images/serre.png" and own["og:image:alt"] == "Une serre"
    _, default, _ = head(site, "blog/sans/")
    assert default["og:image"] == f"{PUBLIC}/images/carte.png"


def test_titles_say_what_the_page_is_then_the_site(demo_site):
    def title(url):
        return demo_site.html(url).cssselect("title")[0].text_content()

    assert title("") == "Les Jardiniers du Partage — La communauté francophone des jardins partagés"
    assert title("events/") == "Événements à venir — Les Jardiniers du Partage"
    assert title("members/camille-roux/") == "Camille Roux — Les Jardiniers du Partage"
    assert title("blog/page/2/") == "Blog (page 2) — Les Jardiniers du Partage"
    titles = [title(p.relative_to(demo_site.output).as_posix()) for p in html_pages(demo_site)]
    assert all(t.strip() for t in titles)


def test_home_describes_the_community_and_its_search(demo_site):
    scripts = demo_site.html("").cssselect('script[type="application/ld+json"]')
    graph = json.loads(scripts[0].text)["@graph"]
    organization, website = graph
    assert organization["@type"] == "Organization"
    assert organization["name"] == "Les Jardiniers du Partage"
    assert organization["url"] == PUBLIC + "/"
    assert organization["sameAs"] == ["https://forum.jardiniers-du-partage.example"]
    assert website["@type"] == "WebSite" and website["inLanguage"] == "fr"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"] == PUBLIC + "/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_the_default_social_card_ships_with_the_theme():
    card = REPO / "theme" / "static" / "images" / "social-card.png"
    assert card.exists() and card.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Path(card).stat().st_size < 20_000
