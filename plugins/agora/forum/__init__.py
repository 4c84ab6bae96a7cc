"""Forum activity from the community's Discourse, read at sync time, shown at build time.

Building the site must never depend on the forum being up: ``agora sync`` reads
the Discourse API (:mod:`agora.forum.client`), sanitizes what it keeps
(:mod:`agora.forum.sanitize`) and writes a versioned snapshot folder
(:mod:`agora.forum.snapshot`, :mod:`agora.forum.sync`) that builds read offline.
"""
