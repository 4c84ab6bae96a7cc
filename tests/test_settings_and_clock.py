"""One clock, one place for settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agora import clock
from agora.settings import SETTINGS, Options, SettingsError, options


def test_defaults_apply():
    values = Options.from_settings({})
    assert values.events_window_weeks == 8
    assert values.forum_snapshot_dir == "data/forum"
    assert values.nav[0] == ("", "blog")
    assert {s.name for s in SETTINGS} >= {"AGORA_NOW", "AGORA_FORUM_URL", "AGORA_READ_WORKERS"}
    assert all(s.doc and s.name == "AGORA_" + s.attribute.upper() for s in SETTINGS)


def test_options_are_frozen():
    values = Options.from_settings({"AGORA_NEWSLETTER": {"subscribe_url": "https://x.example"}})
    with pytest.raises(AttributeError):
        values.strict = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        values.newsletter["subscribe_url"] = "https://other.example"  # type: ignore[index]


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("AGORA_EVENTS_WINDOW_WEEKS", "eight", "expected a whole number"),
    ("AGORA_FORUM_URL", "forum.example.org", "expected an http(s) URL"),
    ("AGORA_STRICT", "yes", "expected true or false"),
    ("AGORA_NOW", "2026-11-20T10:00", "expected an ISO date-time with offset"),
    ("AGORA_UNKNOWN_FIELDS", "shout", "expected one of warning, error, ignore"),
])
def test_invalid_setting_is_named(name, value, expected):
    with pytest.raises(SettingsError) as caught:
        Options.from_settings({name: value})
    message = str(caught.value)
    assert message.startswith(f"{name}: {expected}")
    assert repr(value).strip("'") in message


def test_unknown_agora_setting_is_refused():
    with pytest.raises(SettingsError, match="AGORA_EVENT_WINDOW: expected one of the known"):
        Options.from_settings({"AGORA_EVENT_WINDOW": 3})


def test_invalid_setting_fails_the_build(make_site):
    with pytest.raises(SettingsError, match="AGORA_FORUM_MAX_AGE_HOURS"):
        make_site({}, name="bad-setting", AGORA_FORUM_MAX_AGE_HOURS=-1)


def test_environment_beats_setting_beats_system(monkeypatch):
    monkeypatch.delenv("AGORA_NOW", raising=False)
    assert clock.now({"AGORA_NOW": "2026-01-02T03:04:05+01:00"}).isoformat() == \
        "2026-01-02T03:04:05+01:00"
    monkeypatch.setenv("AGORA_NOW", "2030-06-01T12:00:00+00:00")
    assert clock.now({"AGORA_NOW": "2026-01-02T03:04:05+01:00"}) == \
        datetime(2030, 6, 1, 12, tzinfo=UTC)
    monkeypatch.delenv("AGORA_NOW")
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)


def test_one_instant_parser_strict_and_lenient():
    assert clock.parse_instant("2026-11-20T09:00:00Z") == datetime(2026, 11, 20, 9, tzinfo=UTC)
    with pytest.raises(clock.ClockError, match="forum: expected ISO date-time with offset"):
        clock.parse_instant("20/11/2026", "forum")
    assert clock.instant_or_none("2026-11-20T09:00:00Z") == datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert clock.instant_or_none("2026-11-20T09:00") is None  # no offset: not guessed
    assert clock.instant_or_none(None) is None


def test_today_and_midnight_are_in_the_site_zone(monkeypatch):
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T23:30:00+00:00")
    settings = {"TIMEZONE": "Europe/Paris"}
    assert str(clock.today(settings)) == "2026-11-21"  # 00:30 in Paris
    assert clock.local_midnight(clock.today(settings), settings).isoformat() == \
        "2026-11-21T00:00:00+01:00"
    assert str(clock.today({"TIMEZONE": "America/Montreal"})) == "2026-11-20"


def test_naive_now_is_refused(monkeypatch):
    monkeypatch.setenv("AGORA_NOW", "2026-11-20T10:00")
    with pytest.raises(clock.ClockError, match="no UTC offset"):
        clock.now()


def test_scheduled_post_goes_live_when_the_clock_passes_its_date(make_site):
    files = {"articles/plus-tard.md": """
        ---
        title: Plus tard
        date: 2026-12-01T08:00
        ---
        Bientôt.
        """}
    before = make_site(files, name="sched-before", AGORA_NOW="2026-11-30T08:00:00+01:00")
    after = make_site(files, name="sched-after", AGORA_NOW="2026-12-01T08:00:00+01:00")
    assert not before.path("blog/plus-tard/").exists()
    assert before.path("drafts/plus-tard/").exists()  # previewable locally
    assert after.path("blog/plus-tard/").exists()


def test_each_autoreload_run_reads_the_clock_and_reports_only_its_own_problems(
        tmp_path, monkeypatch):
    # `pelican --autoreload` (make serve) calls run() again on the same Pelican object
    import json  # noqa: PLC0415

    from pelican import Pelican  # noqa: PLC0415
    from pelican.settings import read_settings  # noqa: PLC0415

    from tests.conftest import REPO, write_files  # noqa: PLC0415

    write_files(tmp_path / "content", {"articles/odd.md": """
        ---
        title: Odd
        date: 2026-11-01T10:00
        humeur: joyeuse
        ---
        Texte.
        """, "articles/later.md": """
        ---
        title: Later
        date: 2026-12-01T10:00
        ---
        Texte.
        """})
    settings = read_settings(str(REPO / "pelicanconf.py"), override={
        "PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(tmp_path / "output"),
        "THEME": str(REPO / "theme"), "CACHE_PATH": str(tmp_path / ".cache"),
        "LOAD_CONTENT_CACHE": False, "AGORA_FORUM_SNAPSHOT_DIR": str(tmp_path / "none")})
    pelican = Pelican(settings)
    reports = []
    for moment in ("2026-11-20T10:00:00+01:00", "2026-12-02T10:00:00+01:00"):
        monkeypatch.setenv("AGORA_NOW", moment)
        pelican.run()
        reports.append(json.loads((tmp_path / "output" / "build.json").read_text("utf-8")))
    first, second = reports
    assert first["built_at"].startswith("2026-11-20")
    assert second["built_at"].startswith("2026-12-02")
    # what the first run expected next is past for the second: not carried over
    assert first["next_change"] < second["built_at"]
    assert first["next_change_reason"] == "a scheduled post goes live"
    # no event, no member, nothing scheduled any more: the demo's next newsletter issue
    assert second["next_change_reason"] == "a newsletter issue is due"
    assert second["next_change"] == "2026-12-02T23:00:00+00:00"  # Thursday 3 December, Paris
    assert (tmp_path / "output" / "blog" / "later" / "index.html").exists()
    humeur = [w for w in second["warnings"] if "humeur" in w]
    assert len(humeur) == 1, second["warnings"]
    assert first["counts"] == {"articles": 1, "drafts": 1}
    assert second["counts"] == {"articles": 2}


def test_a_build_validates_its_options_once_and_keeps_them(demo_site):
    kept = options(demo_site.settings)
    assert kept is demo_site.state.options
    assert kept.forum_url == "https://forum.jardiniers-du-partage.example"
    assert kept.now is not None and kept.now.isoformat() == "2026-11-20T10:00:00+01:00"


def test_no_code_reads_an_agora_setting_from_the_settings_dict():
    import re  # noqa: PLC0415

    from tests.conftest import REPO  # noqa: PLC0415

    pattern = re.compile(r"""settings\.get\(\s*["']AGORA_|settings\[\s*["']AGORA_""")
    offenders = [str(path.relative_to(REPO)) for path in (REPO / "plugins" / "agora").rglob("*.py")
                 if path.name not in ("settings.py", "clock.py")
                 and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
