"""Commands: describe (being written)."""
