"""Translation parity: a translation older than its original's last change is a warning."""

from __future__ import annotations

import json

import pytest

from tests.charter.helpers import charter_file


def page(title: str, *, lang: str = "", modified: str = "", slug: str, extra: str = "") -> str:
    lines = ["---", f'title: "{title}"', f"slug: {slug}"]
    lines += [f"lang: {lang}"] if lang else []
    lines += [f"modified: {modified}"] if modified else []
    lines += [extra] if extra else []
    return "\n".join([*lines, "---", "Texte.", ""])


@pytest.fixture(scope="module")
def parity_site(make_site):
    return make_site({
        # charter: the English translation is still at the previous version
        "pages/charter/charte.md": charter_file(version="2.1", effective="2026-10-01"),
        "pages/charter/charte-en.md": charter_file(version="2.0", effective="2026-09-01",
                                                   lang="en"),
        # onboarding: French text changed after the translation
        "pages/onboarding.md": page("Commencer ici", slug="onboarding", modified="2026-11-02"),
        "pages/onboarding-en.md": page("Start here", slug="onboarding", lang="en",
                                       modified="2026-10-01"),
        # about: translated after the last change: fine
        "pages/about.md": page("À propos", slug="about", modified="2026-10-01"),
        "pages/about-en.md": page("About", slug="about", lang="en", modified="2026-10-03"),
        # paired by translation_of rather than by slug
        "pages/aide.md": page("Aide", slug="aide", modified="2026-11-01"),
        "pages/help-en.md": page("Help", slug="help", lang="en", modified="2026-06-01",
                                 extra="translation_of: aide"),
    }, name="parity", with_demo_members=False)


def test_stale_charter_translation_warns_naming_file_field_and_versions(parity_site):
    warnings = parity_site.state.log.warnings
    expected = ("pages/charter/charte-en.md: version: expected the en translation to be as "
                "recent as its original ")
    found = [w for w in warnings if expected in w]
    assert found, warnings
    assert "charte.md (version 2.1, last changed 2026-10-01)" in found[0]
    assert found[0].endswith("found version 2.0, last changed 2026-09-01")


def test_stale_page_translation_warns_on_dates(parity_site):
    warnings = parity_site.state.log.warnings
    assert any("pages/onboarding-en.md: modified: expected the en translation" in w
               and "last changed 2026-11-02" in w for w in warnings), warnings
    assert any("pages/help-en.md: modified:" in w for w in warnings), warnings


def test_up_to_date_translation_does_not_warn_and_report_lists_warnings(parity_site):
    assert not [w for w in parity_site.state.log.warnings if "about" in w]
    report = json.loads((parity_site.output / "build.json").read_text())
    assert len([w for w in report["warnings"] if "translation to be as recent" in w]) == 3
    assert len(parity_site.state.warnings) == 3
