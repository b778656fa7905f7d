"""Script-aware name keys (pure Python, no Django): the same name written in Cyrillic or Latin compares equal."""

from tamyr.names.keys import search_key

__all__ = ["search_key"]
