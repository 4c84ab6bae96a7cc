"""Exactly once, with a real `agora newsletter send` process killed in the middle of a batch."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from agora.newsletter.store import NewsletterStore
from tests.newsletter.conftest import AGORA, ISSUE_ID, SmtpSink, base_env, run_smtp, seed

pytestmark = pytest.mark.xdist_group("exactly-once")

SUBSCRIBERS = 40


def command(site: Path) -> list[str]:
    return [*AGORA, "newsletter", "send", ISSUE_ID, "--output", str(site), "--yes",
            "--batch-size", "10", "--rate", "40"]


def process_env(db_path: Path, port: int) -> dict[str, str]:
    env = base_env(db_path)
    env["AGORA_SMTP_PORT"] = str(port)
    return {**env, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(db_path.parent),
            "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.mark.parametrize(("stage", "kill_at"), [("DATA", 16), ("DATA", 21), ("MAIL", 13)])
def test_sigkill_mid_batch_then_rerun_delivers_each_exactly_once(site, db_path, tmp_path,
                                                                  stage, kill_at):
    """SIGKILL while message ``kill_at`` is in the server's hands (DATA received, not yet
    accepted; 16 is mid-batch, 21 a batch's first) or between two messages (MAIL)."""
    with NewsletterStore(db_path) as store:
        addresses = seed(store, SUBSCRIBERS)
    sink = SmtpSink(kill_at=kill_at, kill_stage=stage)
    with run_smtp(sink) as server:
        env = process_env(db_path, server.port)
        first = subprocess.Popen(command(site), env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        sink.kill_pid = first.pid
        out, err = first.communicate(timeout=60)
        assert first.returncode == -9, out + err
        assert len(sink.received) == kill_at - 1
        with NewsletterStore(db_path) as store:
            assert store.delivered_count(ISSUE_ID) == kill_at - 1

        second = subprocess.run(command(site), env=env, cwd=tmp_path, capture_output=True,
                                text=True, timeout=60)
        assert second.returncode == 0, second.stdout + second.stderr
        assert (f"sent {SUBSCRIBERS - kill_at + 1}, already delivered (skipped) {kill_at - 1}, "
                "failed 0") in second.stdout
        assert sink.by_recipient() == dict.fromkeys(addresses, 1)

        third = subprocess.run(command(site), env=env, cwd=tmp_path, capture_output=True,
                               text=True, timeout=60)
    assert third.returncode == 0
    assert f"nothing to send: all {SUBSCRIBERS} subscribed address(es) already received" \
        in third.stdout
    assert sink.by_recipient() == dict.fromkeys(addresses, 1)
    assert len(sink.received) == SUBSCRIBERS
