"""Commands: cache (being written)."""
