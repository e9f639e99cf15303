"""Counts as a reader says them: "1 article", "3 articles".

The CLI, the app and the exports all print counts that are often 1 (a theme in one article, a
search with one hit); "1 articles" reads as a bug, so they share this one rule.
"""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun``, in the plural (``plural``, or ``noun`` + "s") unless the number is 1."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
