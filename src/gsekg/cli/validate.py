"""Commands: validate (being written)."""
