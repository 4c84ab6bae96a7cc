"""The /members/ directory: role groups, who to ask, recognition from the forum."""

from __future__ import annotations


def names(elements) -> list[str]:
    return [e.text_content().strip() for e in elements]


def test_directory_groups_members_by_role(demo_site):
    page = demo_site.html("members/")
    groups = {section.get("aria-labelledby"): names(section.cssselect(".member-name"))
              for section in page.cssselect("section.member-group")}
    assert groups == {
        "role-ambassador": ["Amina Diallo", "Camille Roux"],
        "role-moderator": ["Louis Garnier", "Yanis Benali"],
        "role-expert": ["Hugo Lefebvre", "Sofia Martin", "Théo Dubois"],
        "role-organiser": ["Camille Roux"],
        "role-staff": ["Louis Garnier"],
        "role-newcomer": ["Inès Moreau"],
    }
    jump = [a.get("href") for a in page.cssselect("nav.member-groups a")]
    assert jump[:3] == ["#role-ambassador", "#role-moderator", "#role-expert"]


def test_who_to_ask_is_built_from_expertise(demo_site):
    page = demo_site.html("members/")
    terms = names(page.cssselect("dl.who-to-ask dt"))
    answers = names(page.cssselect("dl.who-to-ask dd"))
    topics = dict(zip(terms, answers, strict=True))
    assert topics["irrigation"] == "Hugo Lefebvre"
    assert topics["semences"] == "Sofia Martin"
    assert topics["apiculture"] == "Théo Dubois"
    assert terms == sorted(terms, key=lambda t: t.replace("é", "e"))


def test_top_contributors_link_members_to_profiles_and_others_to_the_forum(demo_site):
    items = demo_site.html("members/").cssselect(".top-contributors li")
    first = items[0]
    # the hub name, not the forum's display name ("Camille Roussel")
    assert [a.get("href") for a in first.cssselect("a")] == ["../members/camille-roux/"]
    assert "Camille Roux" in first.text_content() and "128" in first.text_content()
    bernard = next(li for li in items if "Bernard" in li.text_content())
    assert [a.get("href") for a in bernard.cssselect("a")] == [
        "https://forum.jardiniers-du-partage.example/u/bernard.compost"]
    assert "@bernard.compost" in bernard.text_content()
    # a forum avatar is the copy downloaded at sync time, published with the site
    src = bernard.cssselect("img")[0].get("src")
    assert src.startswith("../forum/avatars/") and (demo_site.output / src[3:]).is_file()


def test_anniversaries_and_new_members(demo_site):
    page = demo_site.html("members/")
    assert names(page.cssselect(".anniversaries li a")) == ["Yanis Benali", "Hugo Lefebvre"]
    details = names(page.cssselect(".anniversaries li .meta"))
    assert details == ["— 1 an parmi nous le 3 décembre 2026",
                       "— 4 ans parmi nous le 8 décembre 2026"]
    assert names(page.cssselect(".new-members li a")) == ["Inès Moreau"]


def test_home_page_shows_recognition(demo_site):
    home = demo_site.html("")
    section = home.cssselect("section.home-members")[0]
    assert len(section.cssselect(".top-contributors li")) == 3
    assert section.cssselect(".anniversaries li") and section.cssselect(".new-members li")


def test_lapsed_and_failed_profiles_leave_the_directory_but_bylines_still_work(edge_site):
    listed = names(edge_site.html("members/").cssselect(".member-name"))
    assert "Léa Lapsed" not in listed  # reconfirmed 18 months ago: past the grace period
    assert "Sam Stale" in listed  # stale, still within the grace period
    for failed in ("Mo Missing", "Hal Hotlink", "Camille Doublon", "Sofia Usurpée"):
        assert failed not in listed
    # her page stays, so an article she wrote or a spotlight keeps a working link
    assert edge_site.path("members/lapsed-lea/").exists()
    spotlight = edge_site.html("").cssselect(".home-members .spotlight-card a")[0]
    assert spotlight.get("href") == "./blog/spot-sam/"  # Léa's newer spotlight is skipped


def test_forum_names_are_escaped(edge_site):
    html = edge_site.text("members/")
    assert "Nadia &lt;b&gt;K.&lt;/b&gt;" in html and "<b>K.</b>" not in html
    nadia = next(li for li in edge_site.html("members/").cssselect(".top-contributors li")
                 if "@nadia.k" in li.text_content())
    assert nadia.cssselect(".initials")[0].text_content() == "NK"
