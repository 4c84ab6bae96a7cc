"""Editors' tools around the build: scaffolding new content, presenting ``agora check``'s
problems, checking only what a branch changed, and the editorial calendar.

Each module owns one command or one part of ``agora check``; none restates what
the content model, the clock or the hub own.
"""
