"""Rule anchors: derived from the number, stable across re-wording; bad input is refused."""

from __future__ import annotations

import pytest

from agora.charter.rules import parse_rules, rule_number
from tests.charter.helpers import charter_file

PATH = "content/pages/charter/charte.md"


@pytest.mark.parametrize(("text", "expected"), [
    ("Règle 3 — Parler des idées", (3, "Parler des idées")),
    ("Regle 12: Titre", (12, "Titre")),
    ("Rule 4 - Stay on topic", (4, "Stay on topic")),
    ("3. Titre", (3, "Titre")),
    ("7) Titre", (7, "Titre")),
    ("2026 en chiffres", None),
    ("Signaler un problème", None),
    ("Règlement intérieur", None),
])
def test_rule_headings_are_recognised_by_their_number(text, expected):
    assert rule_number(text) == expected


def test_anchor_comes_from_the_number_not_the_text():
    before = parse_rules('<h2 id="regle-3-respect">Règle 3 — Respect</h2>', PATH)
    after = parse_rules('<h2 id="regle-3-respect-mutuel">Règle 3 — Respect mutuel</h2>', PATH)
    assert before.rules[0].anchor == after.rules[0].anchor == "rule-3"
    assert 'id="rule-3"' in after.html and "regle-3" not in after.html
    assert '<a class="rule-link" href="#rule-3">Règle 3 — Respect mutuel</a>' in after.html


def test_a_heading_holding_a_link_gets_a_separate_rule_link():
    parsed = parse_rules('<h2>Règle 2 — Voir <a href="/x">ceci</a></h2>', PATH)
    assert parsed.html.count("<a ") == 2
    assert 'class="rule-link" href="#rule-2"' in parsed.html
    assert not parsed.problems


def test_duplicate_numbers_explicit_mismatch_and_stolen_anchors_are_errors():
    duplicate = parse_rules("<h2>Règle 1 — A</h2><h2>Règle 1 — B</h2>", PATH)
    assert [(p.path, p.field) for p in duplicate.problems] == [(PATH, "rules")]
    assert "rule 1 twice" in str(duplicate.problems[0])
    mismatch = parse_rules('<h2 id="rule-9">3. Titre</h2>', PATH)
    assert "expected the anchor rule-3" in str(mismatch.problems[0])
    stolen = parse_rules('<h2>Règle 2 — A</h2><p id="rule-2">x</p>', PATH)
    assert "another element with id rule-2" in str(stolen.problems[0])
    assert not parse_rules('<h2>Règle 2 — A</h2><p id="rule-5">x</p>', PATH).problems


def test_anchors_stay_stable_when_a_rule_is_reworded(make_site):
    ids, texts = [], []
    for name, rules in (("before", {1: "Bienveillance", 2: "Respect", 3: "Entraide"}),
                        ("after", {1: "Accueillir avec bienveillance", 2: "Respect mutuel",
                                   3: "S'entraider au jardin"})):
        site = make_site({"pages/charter/charte.md": charter_file(rules=rules)},
                         name=f"reword-{name}", with_demo_members=False)
        page = site.html("charter/")
        ids.append([h.get("id") for h in page.cssselect(".entry-content .rule")])
        texts.append([h.text_content() for h in page.cssselect(".entry-content .rule")])
        assert [a.get("href") for a in page.cssselect("nav.charter-toc a[data-rule]")] == [
            "#rule-1", "#rule-2", "#rule-3"]
    assert ids[0] == ids[1] == ["rule-1", "rule-2", "rule-3"]
    assert texts[0] != texts[1]


@pytest.fixture(scope="module")
def bad_site(make_site):
    files = {
        "pages/charter/charte.md": charter_file(),
        "pages/charter/duplicate.md": charter_file(slug="duplicate", rules={
            1: "Un", 2: "Deux", 3: "Trois"}, body="## Règle 2 — Encore deux\n\nTexte."),
        "pages/charter/stolen.md": charter_file(
            slug="stolen", body='Voir <span id="rule-1">ici</span>.'),
        "pages/charter/undated.md": charter_file(slug="undated", effective=None),
        "pages/charter/long.md": charter_file(slug="long", summary="Trop long. " * 10),
        "pages/charter/history.md": charter_file(slug="history", extra="""
            changes:
              - {version: "1.0", date: 2025-01-01, summary: "Première"}
              - {version: "1.0", date: 2025-02-01, summary: "Encore"}
            """),
    }
    return make_site(files, name="bad-charters", with_demo_members=False,
                     AGORA_CHARTER_SUMMARY_MAX=60)


@pytest.mark.parametrize(("slug", "field", "words"), [
    ("duplicate", "rules", "expected each rule number once, found rule 2 twice"),
    ("stolen", "rules", "expected the anchor rule-1 only on rule 1"),
    ("undated", "effective", "expected date (date this version took effect), found nothing"),
    ("long", "summary", "expected a plain-language summary of at most 60 characters"),
    ("history", "changes", "expected one entry per version, found version 1.0 twice"),
])
def test_bad_charter_pages_are_errors_naming_file_and_field(bad_site, slug, field, words):
    errors = bad_site.state.log.errors
    wanted = f"pages/charter/{slug}.md: {field}: {words}"
    assert any(wanted in error for error in errors), errors
    assert not bad_site.path(f"{slug}/").exists()


def test_a_valid_charter_still_builds_next_to_bad_ones(bad_site):
    assert bad_site.html("charter/").cssselect("#rule-3")
