"""Registers the rules that need no network."""

from curator.rules import duplicates, urls, wrong_link  # noqa: F401
