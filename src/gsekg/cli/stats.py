"""Commands: stats (being written)."""
