"""Reconfirmation of consent: flagged by builds and `agora check`, unlisted after the grace."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date

import pytest

from agora.members.checks import add_months, reconfirmation, reconfirmation_problem
from tests.conftest import DEMO_NOW, REPO, write_files
from tests.members.conftest import EDGE_FILES

SETTINGS = {"AGORA_MEMBERS_RECONFIRM_MONTHS": 12, "AGORA_MEMBERS_GRACE_MONTHS": 3,
            "TIMEZONE": "Europe/Paris"}


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 11, 20), 12, date(2026, 11, 20)),
    (date(2026, 10, 15), 3, date(2027, 1, 15)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_reconfirmation_is_stale_after_the_period_and_hidden_after_the_grace():
    status = reconfirmation(date(2025, 11, 20), SETTINGS)
    assert (status.due, status.hide_on) == (date(2026, 11, 20), date(2027, 2, 20))
    assert not status.is_stale(date(2026, 11, 19))
    assert status.is_stale(date(2026, 11, 20)) and not status.is_hidden(date(2027, 2, 19))
    assert status.is_hidden(date(2027, 2, 20))
    undated = reconfirmation(None, SETTINGS)
    assert undated.is_stale(date(2026, 1, 1)) and not undated.is_hidden(date(2099, 1, 1))


def test_build_warns_about_stale_and_undated_profiles(edge_site):
    warnings = [w for w in edge_site.state.log.warnings if "reconfirmed" in w]
    assert warnings == [
        "content/members/lapsed-lea.md: reconfirmed: expected a reconfirmation within the "
        "last 12 months (the profile left the directory on 2026-08-01; ask the member "
        'again), found "2025-05-01"',
        "content/members/stale-sam.md: reconfirmed: expected a reconfirmation within the "
        "last 12 months (the profile leaves the directory on 2027-01-01; ask the member "
        'again), found "2025-10-01"',
        "content/members/undated-ugo.md: reconfirmed: expected the date the member last "
        "confirmed the public profile (asked again every 12 months), found nothing",
    ]


def test_the_demo_members_are_all_fresh(demo_site):
    assert not [p for p in demo_site.state.problems.problems if p.field == "reconfirmed"]
    assert not [w for w in demo_site.state.log.warnings if "members/" in w]


@pytest.mark.parametrize(("months", "reconfirmed", "expected"), [
    (12, date(2025, 10, 1), "expected a reconfirmation within the last 12 months"),
    (24, date(2025, 10, 1), None),
    (24, None, "expected the date the member last confirmed the public profile (asked again "
               "every 24 months)")])
def test_the_reconfirmation_period_is_a_setting(months, reconfirmed, expected):
    settings = {**SETTINGS, "AGORA_MEMBERS_RECONFIRM_MONTHS": months}
    found = reconfirmation_problem("content/members/sam.md", reconfirmed, date(2026, 11, 20),
                                   settings)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.path, found.field, found.severity) == (
            "content/members/sam.md", "reconfirmed", "warning")
        assert found.expected.startswith(expected)


def test_agora_check_flags_a_stale_profile(tmp_path):
    for name in ("content", "data", "theme"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "pelicanconf.py", tmp_path)
    write_files(tmp_path / "content", {"members/stale-sam.md": EDGE_FILES["members/stale-sam.md"]})
    env = {"PATH": "/usr/bin:/bin", "AGORA_NOW": DEMO_NOW, "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "agora.cli", "check"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stdout + result.stderr  # warnings only
    # grouped by file: the warning under the profile's path, with the field's line
    assert ("content/members/stale-sam.md\n  line 7: warning: reconfirmed: expected a "
            "reconfirmation within the last 12 months") in result.stdout
    strict = subprocess.run([sys.executable, "-m", "agora.cli", "check", "--strict"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert strict.returncode == 1
