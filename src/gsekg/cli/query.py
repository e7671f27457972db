"""Commands: query (being written)."""
