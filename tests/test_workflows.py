"""The GitHub Actions workflows: actionlint finds nothing, and they do what the README says."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tools"))

import next_change

WORKFLOWS = REPO / ".github" / "workflows"
NAMES = ("pull-request", "publish", "newsletter")
SECRET = re.compile(r"\$\{\{\s*secrets\.(\w+)\s*\}\}")


def load(name: str) -> dict[str, Any]:
    workflow = yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def steps(workflow: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def step(workflow: dict[str, Any], *, uses: str = "", runs: str = "") -> dict[str, Any]:
    """The one step that uses the action ``uses`` (any version) or whose script has ``runs``."""
    found = [s for s in steps(workflow)
             if (uses and s.get("uses", "").split("@")[0] == uses)
             or (runs and runs in s.get("run", ""))]
    assert len(found) == 1, f"expected one step with {uses or runs!r}, found {len(found)}"
    return found[0]


def position(workflow: dict[str, Any], target: dict[str, Any]) -> int:
    return next(i for i, s in enumerate(steps(workflow)) if s is target)


def actionlint() -> str:
    beside_python = Path(sys.executable).parent / "actionlint"
    found = str(beside_python) if beside_python.exists() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is missing: it comes with the test extras (make .venv/.test)")
    return found


def test_every_workflow_is_checked() -> None:
    assert sorted(p.stem for p in WORKFLOWS.glob("*.y*ml")) == sorted(NAMES)


def test_actionlint_finds_nothing() -> None:
    # shellcheck, when installed, also checks the run: scripts; without it that part is skipped.
    files = [str(WORKFLOWS / f"{name}.yml") for name in NAMES]
    result = subprocess.run([actionlint(), "-no-color", "-oneline", *files], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not result.stdout.strip()


@pytest.mark.parametrize("name", NAMES)
def test_least_privilege_by_default(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job.get("permissions", {}) != "write-all"
        assert job.get("timeout-minutes"), "a stuck job must not burn CI minutes for hours"


@pytest.mark.parametrize("name", NAMES)
def test_secrets_only_reach_steps_through_env(name: str) -> None:
    text = (WORKFLOWS / f"{name}.yml").read_text(encoding="utf-8")
    workflow = load(name)
    for item in steps(workflow):
        script = item.get("run", "")
        assert "secrets." not in script, item
        secret_vars = [var for var, value in item.get("env", {}).items()
                       if SECRET.search(str(value))]
        for line in script.splitlines():
            if re.search(r"\b(echo|printf)\b", line):
                assert not any(f"${var}" in line or f"${{{var}}}" in line for var in secret_vars)
    # Every secrets.X expression is a whole env value, nothing else (no string building).
    for match in SECRET.finditer(text):
        line = text[text.rfind("\n", 0, match.start()) + 1:text.find("\n", match.end())]
        assert re.fullmatch(r"\s*(\w+): " + re.escape(match.group(0)), line), line


def test_pull_request_checks_changed_content_and_uploads_a_preview() -> None:
    workflow = load("pull-request")
    assert set(workflow["on"]) == {"pull_request"}
    assert step(workflow, uses="actions/checkout")["with"]["fetch-depth"] == 0
    python = step(workflow, uses="actions/setup-python")["with"]
    assert (python["python-version"], python["cache"]) == ("3.11", "pip")
    check = step(workflow, runs="agora check")
    assert "--changed-only --base \"origin/$BASE_REF\"" in check["run"]
    assert "--format github" in check["run"]
    assert check["env"]["BASE_REF"] == "${{ github.base_ref }}"
    build = step(workflow, runs="make html")
    upload = step(workflow, uses="actions/upload-artifact")
    assert upload["with"]["name"] == "site-preview"
    assert upload["with"]["path"] == "output/"
    assert 1 <= upload["with"]["retention-days"] <= 14
    summary = step(workflow, runs="GITHUB_STEP_SUMMARY")
    assert "site-preview" in summary["run"]
    assert position(workflow, check) < position(workflow, build) < position(workflow, upload)


def test_publish_triggers_and_never_overlaps() -> None:
    workflow = load("publish")
    assert set(workflow["on"]) == {"push", "schedule", "workflow_dispatch"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    [schedule] = workflow["on"]["schedule"]
    assert re.fullmatch(r"\d{1,2} \* \* \* \*", schedule["cron"]), "hourly"
    assert workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_publish_syncs_builds_and_deploys_to_pages() -> None:
    workflow = load("publish")
    sync = step(workflow, runs=".venv/bin/agora sync")
    assert sync["continue-on-error"] is True
    assert set(sync["env"]) == {"AGORA_DISCOURSE_API_KEY", "AGORA_DISCOURSE_API_USERNAME"}
    warn = next(s for s in steps(workflow) if s.get("if") == "steps.sync.outcome == 'failure'")
    assert "::warning" in warn["run"]
    build = step(workflow, runs="make publish")
    assert position(workflow, sync) < position(workflow, warn) < position(workflow, build)
    configure = step(workflow, uses="actions/configure-pages")
    upload = step(workflow, uses="actions/upload-pages-artifact")
    assert position(workflow, configure) < position(workflow, build) < position(workflow, upload)
    assert upload["with"]["path"] == "output/"
    deploy_job = workflow["jobs"]["deploy"]
    assert deploy_job["needs"] == "build"
    assert deploy_job["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy_job["environment"]["name"] == "github-pages"
    assert step({"jobs": {"deploy": deploy_job}}, uses="actions/deploy-pages")


def test_publish_reports_next_change_against_its_own_schedule() -> None:
    workflow = load("publish")
    minute = workflow["on"]["schedule"][0]["cron"].split()[0]
    note = step(workflow, runs="tools/next_change.py")
    assert f"--cron-minute {minute} " in note["run"]
    assert note["run"].endswith('>> "$GITHUB_STEP_SUMMARY"')
    assert position(workflow, step(workflow, runs="make publish")) < position(workflow, note)


def test_newsletter_sends_with_smtp_secrets_and_a_kept_database() -> None:
    workflow = load("newsletter")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert "issue" in workflow["on"]["workflow_dispatch"]["inputs"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    send = step(workflow, runs="agora newsletter send")
    assert send["run"] == '.venv/bin/agora newsletter send "$ISSUE" --yes'
    assert {"AGORA_SMTP_HOST", "AGORA_SMTP_PORT", "AGORA_SMTP_SECURITY", "AGORA_SMTP_USER",
            "AGORA_SMTP_PASSWORD", "AGORA_NEWSLETTER_FROM"} <= set(send["env"])
    database = workflow["env"]["AGORA_NEWSLETTER_DB"]
    restore = step(workflow, uses="actions/cache/restore")
    save = step(workflow, uses="actions/cache/save")
    kept = restore["with"]["path"]
    assert save["with"]["path"] == kept and database.startswith(kept)
    assert save["if"].startswith("always()"), "a half-sent issue must stay recorded"
    build = step(workflow, runs="make publish")
    assert position(workflow, restore) < position(workflow, build) < position(workflow, send)
    assert position(workflow, send) < position(workflow, save)


def test_pull_request_templates_link_both_checklists() -> None:
    default = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    for kind in ("event", "article"):
        template = REPO / ".github" / "PULL_REQUEST_TEMPLATE" / f"{kind}.md"
        assert "- [ ] " in template.read_text(encoding="utf-8")
        assert f"template={kind}.md" in default


# --- tools/next_change.py, the publish job's summary line ---------------------

REPORT = {"next_change": "2026-11-24T07:00:00+00:00",
          "next_change_reason": "a scheduled post goes live"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_next_change_before_the_next_run_says_how_late_it_shows() -> None:
    line = next_change.summary(REPORT, at("2026-11-24T06:30:00+00:00"), minute=7)
    assert line.startswith("**") and "07:07 UTC" in line and "up to 7 min late" in line


def test_next_change_after_the_next_run_names_the_run_that_publishes_it() -> None:
    line = next_change.summary(REPORT, at("2026-11-24T05:00:00+00:00"), minute=7)
    assert not line.startswith("**") and "the hourly run at 07:07 UTC publishes it" in line


def test_next_change_absent_or_past() -> None:
    now = at("2026-12-01T00:00:00+00:00")
    assert "none ahead" in next_change.summary({"next_change": None}, now, minute=7)
    assert "already past" in next_change.summary(REPORT, now, minute=7)
