"""Commands: network (being written)."""
