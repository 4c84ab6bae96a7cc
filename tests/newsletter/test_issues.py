"""Digest issues: assembled from the hub at a frozen date, published, and sent as built."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date

import lxml.html
import pytest

from agora.newsletter.issue_files import load_issue
from agora.newsletter.model import from_json
from agora.newsletter.text import WIDTH
from tests.conftest import REPO, Site, build, write_files
from tests.newsletter.conftest import seed

PUBLIC = "https://jardiniers-du-partage.example"
DEMO_ISSUES = ("2026-09-03", "2026-10-01", "2026-11-05")


def article(title: str, day: str, extra: str = "") -> str:
    return f"""
        ---
        title: "{title}"
        date: {day}T09:00
        author: sofia-martin
        summary: "Résumé de {title}."
        {extra}
        ---
        Texte de {title}.
        """


DIGEST = {
    "articles/a1.md": article("Premier", "2026-10-05"),
    "articles/a2.md": article("Deuxième", "2026-10-07"),
    "articles/a3.md": article("Troisième", "2026-10-27"),
    "articles/plus-tard.md": article("Plus tard", "2026-11-25"),
    "articles/portrait.md": article("Portrait de Camille", "2026-10-28",
                                    "spotlight: camille-roux"),
    "events/cafe.md": """
        ---
        title: Café du mardi
        start: 2026-10-06T18:00
        duration: 1h
        rrule: FREQ=WEEKLY;BYDAY=TU
        attendance: online
        online_url: https://visio.example/cafe
        ---
        Chaque mardi.
        """,
    "events/fete.md": """
        ---
        title: Fête de fin d'année
        start: 2026-11-26T18:00
        duration: 2h
        location: {name: Jardin, city: Lyon}
        ---
        On fête.
        """,
    "members/nouvelle-nina.md": """
        ---
        name: Nina Nouvelle
        since: 2026-10-08
        consent: true
        reconfirmed: 2026-10-08
        ---
        Arrivée en octobre.
        """,
    "members/discret-dan.md": """
        ---
        name: Dan Discret
        since: 2026-10-08
        consent: false
        ---
        Pas de profil public.
        """,
    "newsletter/2026-10-29.md": """
        ---
        subject: "Spécial : la fête approche"
        ---
        Un mot de l'équipe avant la **fête**.
        """,
}
WEEKLY = {"AGORA_NEWSLETTER_START": "2026-10-01", "AGORA_NEWSLETTER_CADENCE": "weekly",
          "AGORA_NEWSLETTER_WEEKDAY": "thursday"}


@pytest.fixture(scope="module")
def digest(make_site) -> Site:
    return make_site(DIGEST, name="digest", **WEEKLY)


@pytest.fixture(scope="module")
def sparse(make_site) -> Site:
    """Only articles and the charter reminder: weeks without articles have no issue."""
    return make_site(DIGEST, name="sparse", AGORA_NEWSLETTER_SECTIONS=["articles", "charter"],
                     **WEEKLY)


def issues(site: Site) -> list:
    return [i.data for i in reversed(site.state.hub.newsletter.issues)]


def section(issue, name: str, lang: str = "fr"):
    return next((s for s in issue.edition(lang).sections if s.name == name), None)


def titles(issue, name: str, lang: str = "fr") -> list[str]:
    found = section(issue, name, lang)
    return [item.title for item in found.items] if found else []


def test_issues_follow_the_cadence_and_cover_what_happened_since_the_previous(digest):
    dates = [i.date.isoformat() for i in issues(digest)]
    assert dates == ["2026-10-01", "2026-10-08", "2026-10-15", "2026-10-22", "2026-10-29",
                     "2026-11-05", "2026-11-12", "2026-11-19"]
    assert [i.number for i in issues(digest)] == list(range(1, 9))
    by_date = {i.date.isoformat(): i for i in issues(digest)}
    assert titles(by_date["2026-10-08"], "articles") == ["Deuxième", "Premier"]
    assert titles(by_date["2026-10-29"], "articles") == ["Troisième"]
    every = [t for i in issues(digest) for t in titles(i, "articles")]
    assert "Plus tard" not in every  # scheduled after the last issue: not published yet


def test_events_of_the_next_weeks_with_next_sessions_and_calendar_links(digest):
    issue = {i.date.isoformat(): i for i in issues(digest)}["2026-11-19"]
    events = section(issue, "events")
    assert [item.title for item in events.items] == ["Café du mardi", "Fête de fin d'année"]
    cafe = events.items[0]
    assert cafe.when.startswith("mardi 24 novembre 2026, 18:00")
    assert "puis mardi 1 décembre 2026" in cafe.when  # a recurring event shows next sessions
    assert cafe.links[0].url == f"{PUBLIC}/events/cafe.ics"
    assert any(link.url.startswith("https://calendar.google.com/") for link in cafe.links)


def test_new_members_only_with_consent_and_the_spotlight_and_the_editorial(digest):
    by_date = {i.date.isoformat(): i for i in issues(digest)}
    assert titles(by_date["2026-10-15"], "members") == ["Nina Nouvelle"]
    special = by_date["2026-10-29"]
    assert special.edition("fr").subject == "Spécial : la fête approche"
    assert "<strong>fête</strong>" in section(special, "intro").html
    assert titles(special, "spotlight") == ["Portrait de Camille"]
    assert "Portrait de Camille" not in titles(special, "articles")  # not shown twice
    assert section(special, "spotlight").items[0].image.url == (
        f"{PUBLIC}/members/camille-roux/avatar-96.png")
    text = (digest.output / "newsletter" / "2026-10-15" / "email.html").read_text("utf-8")
    assert "Nina Nouvelle" in text
    assert "Dan Discret" not in digest.all_text()


def test_an_issue_with_nothing_new_is_not_produced_and_the_next_covers_its_window(sparse):
    dates = [i.date.isoformat() for i in issues(sparse)]
    # articles on 5, 7, 27 and 28 October; the charter reminder alone is no news
    assert dates == ["2026-10-08", "2026-10-29"]
    assert [i.number for i in issues(sparse)] == [1, 2]
    assert not (sparse.output / "newsletter" / "2026-10-15").exists()
    later = issues(sparse)[1]
    assert later.since == date(2026, 10, 8)
    assert titles(later, "articles") == ["Portrait de Camille", "Troisième"]


def test_the_forum_section_ranks_open_unpinned_threads_active_in_the_window(demo_site):
    issue = {i.data.date.isoformat(): i.data for i in demo_site.state.hub.newsletter.issues}
    november = issue["2026-11-05"]
    assert titles(november, "forum") == ["Quel compost pour des semis de tomates ?"]
    everywhere = [t for i in issue.values() for t in titles(i, "forum")]
    assert not any("Bienvenue" in t or "Présentez-vous" in t for t in everywhere)  # pinned


def test_the_demo_archive_lists_three_issues_newest_first_in_both_languages(demo_site):
    for prefix in ("", "en/"):
        page = demo_site.html(f"{prefix}newsletter/")
        links = [a.get("href") for a in page.cssselect(".digest-archive h3 a")]
        assert [link.rstrip("/").rsplit("/", 1)[1] for link in links] == list(
            reversed(DEMO_ISSUES))
    english = demo_site.html("en/newsletter/2026-11-05/")
    assert english.cssselect("h1")[0].text_content() == (
        "The Gardeners' letter — November: mulch, compost, meet up")
    assert english.get("lang") == "en"


def test_kept_issues_are_published_as_kept(demo_site):
    for issue_id in DEMO_ISSUES:
        kept = from_json((REPO / "data" / "newsletter" / f"{issue_id}.json").read_text("utf-8"),
                         REPO)
        published = next(i.data for i in demo_site.state.hub.newsletter.issues
                         if i.id == issue_id)
        assert published == kept


@pytest.mark.parametrize("lang_prefix", ["", "en/"])
@pytest.mark.parametrize("issue_id", DEMO_ISSUES)
def test_email_html_is_inlined_small_absolute_and_accessible(demo_site, issue_id, lang_prefix):
    path = demo_site.output / lang_prefix / "newsletter" / issue_id / "email.html"
    data = path.read_bytes()
    assert len(data) < 102 * 1024  # Gmail clips larger messages
    page = lxml.html.fromstring(data)
    styles = page.cssselect("style")
    assert styles and all(re.fullmatch(r"\s*(@media[^{]+\{.*\}\s*)+", s.text_content(), re.S)
                          for s in styles)  # only the at-rules stay in <style>
    assert page.cssselect("h1")[0].get("style")  # the rest is inlined
    assert "prefers-color-scheme: dark" in styles[0].text_content()
    hrefs = [a.get("href") for a in page.cssselect("a[href]")]
    assert hrefs and all(h.startswith(("https://", "mailto:")) or h == "%%UNSUBSCRIBE_URL%%"
                         for h in hrefs), hrefs
    for image in page.cssselect("img"):
        assert image.get("src").startswith("https://")
        assert image.get("width") and image.get("height") and image.get("alt")
    assert "%%GREETING%%" in data.decode() and "%%UNSUBSCRIBE_URL%%" in data.decode()


def test_a_demo_issue_has_an_image_with_its_size_and_alt(demo_site):
    page = lxml.html.fromstring((demo_site.output / "newsletter" / "2026-11-05" /
                                 "email.html").read_bytes())
    [image] = page.cssselect("img")
    assert (image.get("width"), image.get("height")) == ("48", "48")
    assert image.get("alt") == "Portrait de Hugo Lefebvre"
    assert (demo_site.output / "members" / "hugo-lefebvre" / "avatar-96.png").is_file()


@pytest.mark.parametrize("issue_id", DEMO_ISSUES)
def test_email_text_is_written_from_the_data(demo_site, issue_id):
    text = (demo_site.output / "newsletter" / issue_id / "email.txt").read_text("utf-8")
    assert all(len(line) <= WIDTH for line in text.splitlines()), [
        line for line in text.splitlines() if len(line) > WIDTH]
    assert "<p>" not in text and "<a " not in text
    references = re.findall(r"^\[(\d+)\] (https://\S+)$", text, re.M)
    cited = set(re.findall(r"\[(\d+)\]", text.split("\n\nLiens :")[0]))
    assert references and {n for n, _ in references} == cited
    assert f"{PUBLIC}/newsletter/{issue_id}/" in text
    assert text.startswith("%%GREETING%%") and "%%UNSUBSCRIBE_URL%%" in text


def test_issue_json_is_what_the_sender_reads(demo_site):
    issue = load_issue(demo_site.output, "2026-11-05")
    assert (issue.number, issue.default_lang) == (3, "fr")
    assert set(issue.editions) == {"fr", "en"}
    assert issue.edition_for("en").web_url == f"{PUBLIC}/en/newsletter/2026-11-05/"


def test_the_newsletter_feed_carries_every_issue_in_full(demo_site):
    import feedparser  # noqa: PLC0415

    feed = feedparser.parse((demo_site.output / "feeds" / "newsletter.atom.xml").read_bytes())
    assert [e.link for e in feed.entries] == [f"{PUBLIC}/newsletter/{i}/"
                                              for i in reversed(DEMO_ISSUES)]
    assert "Quel compost pour des semis de tomates ?" in feed.entries[0].content[0].value


def test_send_a_built_demo_issue_to_a_real_smtp_server(demo_site, smtp, env, store, agora):
    seed(store, 4, langs=("fr", "en"))
    result = agora("newsletter", "send", "2026-11-05", "--output", str(demo_site.output),
                   "--yes")
    assert result.code == 0, result.err
    messages = [received.message for received in smtp.sink.received]
    assert len(messages) == 4
    subjects = {m["Subject"] for m in messages}
    assert subjects == {"La lettre des Jardiniers — novembre : pailler, composter, se retrouver",
                        "The Gardeners' letter — November: mulch, compost, meet up"}
    for message in messages:
        text, html = (part.get_content() for part in message.iter_parts())
        assert "%%" not in text and "%%" not in html
        assert "List-Unsubscribe" in message and "Camille" in text


def test_keep_an_issue_refuse_to_change_it_and_say_when_there_is_nothing_new(
        tmp_path, agora, monkeypatch):
    for name in ("content", "theme"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "pelicanconf.py", tmp_path)
    shutil.copytree(REPO / "data" / "forum", tmp_path / "data" / "forum")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGORA_NOW", raising=False)
    kept = agora("newsletter", "build", "--date", "2026-11-05")
    assert kept.code == 0, kept.err
    assert "issue 3 of 2026-11-05" in kept.out
    stored = json.loads((tmp_path / "data" / "newsletter" / "2026-11-05.json").read_text())
    assert stored["number"] == 3 and set(stored["editions"]) == {"fr", "en"}
    again = agora("newsletter", "build", "--date", "2026-11-05")
    assert again.code == 1 and "never changes once kept" in again.err
    nothing = agora("newsletter", "build", "--date", "2026-11-06")
    assert nothing.code == 0 and "no issue on 2026-11-06" in nothing.out
    assert sorted(p.name for p in (tmp_path / "data" / "newsletter").iterdir()) == [
        "2026-11-05.json"]


def test_a_kept_issue_does_not_change_when_the_content_does(tmp_path):
    write_files(tmp_path / "content", {k: v for k, v in DIGEST.items()
                                       if not k.startswith("newsletter/")})
    shutil.copytree(REPO / "content" / "members", tmp_path / "content" / "members",
                    dirs_exist_ok=True)
    first = build(tmp_path, **WEEKLY)
    october = next(i.data for i in first.state.hub.newsletter.issues if i.id == "2026-10-08")
    from agora.newsletter.model import to_json  # noqa: PLC0415

    keep = tmp_path / "kept"
    keep.mkdir()
    (keep / "2026-10-08.json").write_text(to_json(october), encoding="utf-8")
    (tmp_path / "content" / "articles" / "a2.md").write_text(
        (tmp_path / "content" / "articles" / "a2.md").read_text().replace(
            "Deuxième", "Deuxième, retitré"), encoding="utf-8")
    second = build(tmp_path, OUTPUT_PATH=str(tmp_path / "second"),
                   AGORA_NEWSLETTER_ISSUES_DIR=str(keep), **WEEKLY)
    kept = next(i.data for i in second.state.hub.newsletter.issues if i.id == "2026-10-08")
    assert kept == october and titles(kept, "articles") == ["Deuxième", "Premier"]
    live = next(i.data for i in build(tmp_path, OUTPUT_PATH=str(tmp_path / "third"),
                                      **WEEKLY).state.hub.newsletter.issues
                if i.id == "2026-10-08")
    assert titles(live, "articles") == ["Deuxième, retitré", "Premier"]


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_email_html_fits_a_phone_and_a_desktop_column_without_horizontal_scroll(
        demo_site, browser, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  color_scheme=scheme)
    tab = context.new_page()
    # a mail client shows the message alone: nothing is fetched from anywhere
    tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
              else route.abort())
    try:
        for issue_id in DEMO_ISSUES:
            tab.goto((demo_site.output / "newsletter" / issue_id / "email.html").as_uri())
            overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (issue_id, width, overflow)
            background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == ("rgb(20, 25, 23)" if scheme == "dark" else "rgb(244, 243, 239)")
    finally:
        context.close()
