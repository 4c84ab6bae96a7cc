"""A build never touches the network: the demo hub builds with every connection refused.

Only ``agora sync`` and ``agora newsletter send`` talk to other machines; a
build reads the committed forum snapshot and kept issues. Here any attempt to
resolve a name or open a connection fails the test, whoever makes it (Agora,
Pelican, a Markdown extension, a template).
"""

from __future__ import annotations

import shutil
import socket
from typing import Any

import pytest

from tests.conftest import REPO, build


def test_the_demo_builds_with_the_network_cut_off(tmp_path, monkeypatch: pytest.MonkeyPatch):
    attempts: list[tuple[Any, ...]] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("the network is cut off for this test")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    for name in ("getaddrinfo", "gethostbyname", "create_connection"):
        monkeypatch.setattr(socket, name, refuse)
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "data" / "newsletter", tmp_path / "data" / "newsletter")
    site = build(tmp_path, AGORA_READ_WORKERS=1)  # serial: an attempt in a worker counts too
    assert attempts == []
    assert site.state.errors == []
    assert site.path("forum/").exists() and site.path("newsletter/").exists()
    assert list((site.output / "forum" / "avatars").iterdir())
