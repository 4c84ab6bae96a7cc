"""``.gz`` and ``.br`` twins of text files for production builds (pelican-precompress).

Static hosts send a twin as is (nginx ``gzip_static``/``brotli_static``, Caddy
``precompressed``): the best compression once, at build time, instead of on
every request. pelican-precompress does the work; its own ``register()`` would
connect it to a process-wide signal for good, so in a process running other
builds afterwards (previews, tests) it would compress their output too. As a
capability it acts only in builds that list ``agora.precompress`` (publishconf).

Signal: ``finalized``, once every file, ``build.json`` included, is written.
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.plugins import precompress

from agora.capability import Capability


def compress(pelican: Any) -> None:
    precompress.compress_files(pelican)


CAPABILITY = Capability("agora.precompress", receivers=((signals.finalized, compress),))


def register() -> None:
    CAPABILITY.register()
