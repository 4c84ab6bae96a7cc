"""Sites for the member tests: the demo, and one small site full of edge cases.

The edge site is built once per session with the demo members plus profiles
that are stale, lapsed, undated, oversized, broken or duplicated, and a forum
snapshot whose top contributor is the member who did not consent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.conftest import REPO, Site, build, write_files

FORUM_URL = "https://forum.jardiniers-du-partage.example"

EDGE_FILES = {
    # consent given 13 months ago: stale (warning), still listed until the grace ends
    "members/stale-sam.md": """
        ---
        name: Sam Stale
        roles: [expert]
        expertise: [Semences]
        since: 2024-12-01
        consent: true
        reconfirmed: 2025-10-01
        ---
        Sam sème.
        """,
    # consent given 18 months ago: past 12 months + 3 months of grace, unlisted
    "members/lapsed-lea.md": """
        ---
        name: Léa Lapsed
        roles: [ambassador]
        discourse: lea_potager
        since: 2022-11-25
        consent: true
        reconfirmed: 2025-05-01
        ---
        Léa a déménagé.
        """,
    "members/undated-ugo.md": """
        ---
        name: Ugo Undated
        consent: true
        since: 2026-11-19
        ---
        Ugo n'a pas de date de reconfirmation.
        """,
    "members/big-bea.md": """
        ---
        name: Béa Big
        avatar: images/members/big-bea.jpg
        consent: true
        reconfirmed: 2026-10-01
        since: 2020-02-29
        ---
        Béa a envoyé une photo de 3000 pixels.
        """,
    "members/missing-mo.md": """
        ---
        name: Mo Missing
        avatar: images/members/nope.png
        consent: true
        reconfirmed: 2026-10-01
        ---
        L'avatar de Mo n'existe pas.
        """,
    "members/hotlink-hal.md": """
        ---
        name: Hal Hotlink
        avatar: https://images.example.org/hal.png
        consent: true
        reconfirmed: 2026-10-01
        ---
        Hal voulait un avatar hébergé ailleurs.
        """,
    "members/old/camille.md": """
        ---
        name: Camille Doublon
        slug: camille-roux
        consent: true
        reconfirmed: 2026-10-01
        ---
        Un second profil avec le même slug.
        """,
    # a translation shares its original's slug (and forum account) in another language
    "members/camille-roux-en.md": """
        ---
        name: Camille Roux
        slug: camille-roux
        lang: en
        discourse: camille.r
        roles: [ambassador, organiser]
        consent: true
        reconfirmed: 2026-06-01
        ---
        Camille runs the Croix-Rousse shared garden.
        """,
    "members/usurper/sofia.md": """
        ---
        name: Sofia Usurpée
        discourse: Sofia.M
        consent: true
        reconfirmed: 2026-10-01
        ---
        Un profil qui réclame le compte forum de Sofia.
        """,
    "articles/spot-sam.md": """
        ---
        title: Portrait de Sam
        date: 2026-11-18T09:00
        author: sofia-martin
        spotlight: stale-sam
        summary: Sam et ses semences.
        ---
        Portrait.
        """,
    "articles/spot-lea.md": """
        ---
        title: Portrait de Léa
        date: 2026-11-19T09:00
        author: camille-roux
        spotlight: lapsed-lea
        ---
        Un portrait plus récent, mais Léa n'est plus listée.
        """,
    "articles/bad-spotlight.md": """
        ---
        title: Portrait fantôme
        date: 2026-11-01T09:00
        spotlight: nobody-here
        ---
        Personne.
        """,
    "articles/by-marc.md": """
        ---
        title: Un article de Marc
        date: 2026-11-01T09:00
        author: marc-petit
        ---
        Marc n'a pas consenti.
        """,
    "events/bad-host.md": """
        ---
        title: Atelier fantôme
        start: 2026-12-10T18:00
        hosts: [ghost-member]
        ---
        Personne n'anime.
        """,
    "events/hosted-by-hugo.md": """
        ---
        title: Visite des cuves
        start: 2026-10-10T14:00
        duration: 2h
        speakers: [hugo-lefebvre]
        ---
        Visite.
        """,
}

SNAPSHOT_DIRECTORY = [
    # the member without consent tops the month: he must still appear nowhere
    {"username": "marc.p", "name": "Marc Petit", "likes_received": 500, "post_count": 90,
     "avatar": "avatars/marc.p.png"},
    {"username": "lea_potager", "name": "Léa du Potager", "likes_received": 300,
     "post_count": 10, "avatar": None},
    {"username": "camille.r", "name": "Camille R.", "likes_received": 128, "post_count": 61,
     "avatar": "avatars/camille.r.png"},
    {"username": "bernard.compost", "name": "Bernard", "likes_received": 41, "post_count": 33,
     "avatar": "avatars/bernard.png"},
    {"username": "nadia.k", "name": "Nadia <b>K.</b>", "likes_received": 41, "post_count": 50,
     "avatar": None},
]


def write_snapshot(folder: Path) -> Path:
    """A minimal valid forum snapshot (format 1) with the directory above."""
    (folder / "avatars").mkdir(parents=True, exist_ok=True)
    for name in ("marc.p.png", "camille.r.png", "bernard.png"):
        Image.new("RGB", (48, 48), (120, 160, 90)).save(folder / "avatars" / name)
    data: dict[str, Any] = {
        "format": 1, "taken_at": "2026-11-20T08:00:00+01:00", "forum_url": FORUM_URL,
        "categories": [], "latest": [], "top": {}, "category_lists": {}, "topics": {},
        "stats": {}, "events": [], "history": [],
        "directory": SNAPSHOT_DIRECTORY,
        "users": {
            "sofia.m": {"username": "sofia.m", "post_count": 48, "likes_received": 97,
                        "last_seen_at": "2026-11-18T12:10:00.000Z",
                        "badges": [{"name": "Bonne réponse", "badge_type": "silver",
                                    "granted_at": "2026-06-15T12:00:00.000Z"}]},
            "marc.p": {"username": "marc.p", "name": "Marc Petit", "post_count": 90},
        },
    }
    (folder / "snapshot.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def copy_demo_members(root: Path) -> None:
    """The demo's member profiles, their avatars and series, into ``root/content``."""
    shutil.copytree(REPO / "content" / "members", root / "content" / "members")
    shutil.copytree(REPO / "content" / "images" / "members",
                    root / "content" / "images" / "members")
    shutil.copy(REPO / "content" / "series.yml", root / "content" / "series.yml")


@pytest.fixture(scope="session")
def edge_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("edge")
    copy_demo_members(root)
    write_files(root / "content", EDGE_FILES)
    # an oversized upload: 3000 x 2000 pixels
    gradient = Image.linear_gradient("L").resize((3000, 2000)).convert("RGB")
    gradient.save(root / "content" / "images" / "members" / "big-bea.jpg", quality=90)
    snapshot = write_snapshot(tmp_path_factory.mktemp("edge-forum"))
    return build(root, AGORA_FORUM_SNAPSHOT_DIR=str(snapshot), CACHE_CONTENT=True)
