"""Commands: serve (being written)."""
