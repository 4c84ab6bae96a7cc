"""Adopting an existing Pelican site: ``agora adopt`` and the settings it writes.

:mod:`agora.adopt.config` decides what an adopted site's settings keep from the
site (content folders, URLs, language, its own templates) and what is Agora's
(plugins, theme); :mod:`agora.adopt.survey` builds the site with bare Pelican
and with Agora into temporary folders; :mod:`agora.adopt.report` compares the
two builds; :mod:`agora.adopt.command` is the ``agora adopt`` subcommand.
"""
