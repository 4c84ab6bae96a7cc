"""Agora: a community hub generated with Pelican.

Each capability is a Pelican plugin living in a sub-package (``agora.core``,
``agora.events``, ``agora.members``, ``agora.charter``, ``agora.forum``, ...)
and listed explicitly in ``PLUGINS`` (see :mod:`agora.defaults`).
"""

__version__ = "0.1.0"
