"""Recognition computations, as the members pages, the home page and the newsletter use them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

from agora.members import recognition as r
from agora.urls import ForumUrls


def member(slug: str, name: str, *, since: date | None = None, roles=(), expertise=(),
           discourse: str | None = None):
    return SimpleNamespace(slug=slug, name=name, since=since, roles=list(roles),
                           expertise=list(expertise), discourse=discourse)


def test_anniversaries_within_the_window_soonest_first():
    people = [member("a", "Anne", since=date(2020, 1, 5)),
              member("b", "Bruno", since=date(2025, 12, 24)),
              member("c", "Chloé", since=date(2024, 3, 1)),  # too far
              member("d", "Dora", since=date(2026, 12, 22))]  # joined this year: no anniversary
    found = r.upcoming_anniversaries(people, date(2026, 12, 20), weeks=4)
    assert [(a.member.slug, a.on, a.years) for a in found] == [
        ("b", date(2026, 12, 24), 1), ("a", date(2027, 1, 5), 7)]


def test_anniversary_today_counts_and_29_february_falls_on_28():
    leap = member("l", "Léon", since=date(2024, 2, 29))
    today = member("t", "Tom", since=date(2021, 2, 28))
    found = r.upcoming_anniversaries([leap, today], date(2027, 2, 28), weeks=1)
    assert [(a.member.slug, a.on, a.years) for a in found] == [
        ("l", date(2027, 2, 28), 3), ("t", date(2027, 2, 28), 6)]


def test_new_members_are_this_months_up_to_today():
    people = [member("a", "Anne", since=date(2026, 11, 1)),
              member("b", "Bruno", since=date(2026, 11, 19)),
              member("c", "Chloé", since=date(2026, 10, 31)),
              member("d", "Dora", since=date(2026, 11, 25)),  # announced, not yet there
              member("e", "Eve")]
    assert [m.slug for m in r.new_members(people, date(2026, 11, 20))] == ["b", "a"]


def test_top_contributors_order_withheld_and_members():
    camille = member("camille-roux", "Camille Roux", discourse="camille.r")
    directory = [
        {"username": "bob", "name": "Bob", "likes_received": 10, "post_count": 5},
        {"username": "Camille.R", "name": "Camille Roussel", "likes_received": 30,
         "post_count": 1},
        {"username": "marc.p", "name": "Marc", "likes_received": 99, "post_count": 99},
        {"username": "ann", "name": "", "likes_received": 10, "post_count": 8,
         "avatar": "avatars/ann.png"},
    ]
    people = r.top_contributors(directory, {"camille.r": camille}, ForumUrls("https://f.example/"),
                                limit=3, withheld_usernames=["MARC.P"],
                                avatar_url=lambda path: f"forum/{path}" if path else None)
    assert [(p.username, p.name) for p in people] == [
        ("Camille.R", "Camille Roux"), ("ann", "ann"), ("bob", "Bob")]
    assert people[0].member is camille and people[0].avatar_url is None
    assert people[1].forum_url == "https://f.example/u/ann"
    assert people[1].avatar_url == "forum/avatars/ann.png"


def test_experts_by_topic_merges_spellings_and_sorts_without_accents():
    people = [member("a", "Anne", expertise=["Semences", "écologie"]),
              member("b", "Bruno", expertise=["semences ", "Apiculture"])]
    topics = r.experts_by_topic(people)
    assert list(topics) == ["Apiculture", "écologie", "Semences"]
    assert [m.slug for m in topics["Semences"]] == ["a", "b"]


def test_members_by_role_in_role_order_and_nobody_left_out():
    people = [member("z", "Zoé", roles=["expert", "ambassador"]), member("y", "Yves"),
              member("a", "Ana", roles=["expert"])]
    groups = r.members_by_role(people)
    assert {k: [m.slug for m in v] for k, v in groups.items()} == {
        "ambassador": ["z"], "expert": ["a", "z"], "member": ["y"]}
    assert list(groups) == ["ambassador", "expert", "member"]


def test_latest_spotlight_skips_members_who_are_not_listed():
    now = datetime(2026, 11, 20)
    older = SimpleNamespace(spotlight="a", date=now - timedelta(days=10))
    newer = SimpleNamespace(spotlight="gone", date=now - timedelta(days=1))
    plain = SimpleNamespace(date=now)
    anne = member("a", "Anne")
    found = r.latest_spotlight([older, newer, plain], {"a": anne})
    assert found.article is older and found.member is anne
    assert r.latest_spotlight([plain], {"a": anne}) is None


def test_forum_stats_from_a_profile():
    users = {"Sofia.M": {"username": "sofia.m", "post_count": 48, "likes_received": 97,
                         "last_seen_at": "2026-11-18T12:10:00.000Z",
                         "badges": [{"name": "B", "granted_at": "2026-06-01"},
                                    {"name": "A", "granted_at": "2026-03-01"}, {"x": 1}]}}
    stats = r.forum_stats("sofia.m", users, ForumUrls("https://f.example"))
    assert (stats.post_count, stats.likes_received) == (48, 97)
    assert [b["name"] for b in stats.badges] == ["A", "B"]
    assert stats.last_active.isoformat() == "2026-11-18T12:10:00+00:00"
    assert stats.url == "https://f.example/u/sofia.m"
    assert r.forum_stats("nobody", users, ForumUrls("https://f.example")) is None


def test_next_changes_name_the_days_lists_change():
    people = [member("a", "Anne", since=date(2020, 12, 30)),  # enters the window 2 Dec
              member("b", "Bruno", since=date(2019, 11, 25))]  # listed now; leaves 26 Nov
    assert r.next_changes(people, date(2026, 11, 20), weeks=4) == [
        date(2026, 11, 26), date(2026, 12, 1), date(2026, 12, 2)]


def test_articles_by_author():
    author = SimpleNamespace(name="Alice A.", slug="a")  # Pelican Author: name shown, slug = member
    one = SimpleNamespace(author=author, authors=[author], date=datetime(2026, 1, 1))
    two = SimpleNamespace(author=author, authors=[author, SimpleNamespace(name="Bob B.", slug="b")],
                          date=datetime(2026, 2, 1))
    assert r.articles_by_author([one, two]) == {"a": [two, one], "b": [two]}
