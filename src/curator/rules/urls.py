"""Rules: (being written)."""
