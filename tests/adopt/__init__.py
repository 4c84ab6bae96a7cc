"""Adopting an existing Pelican site: what bare Pelican builds is what Agora must build."""
