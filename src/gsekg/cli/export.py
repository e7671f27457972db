"""Commands: export (being written)."""
