"""An article's title: its headline when it has one, else a readable form of its file name."""

from __future__ import annotations

import re

from explorer.cleaning import is_furniture, normalized_words

MAX_TITLE_CHARS = 200


def title_from_stem(stem: str) -> str:
    """A readable title from a file name, for articles whose first line is not a headline."""
    words = re.sub(r"^\d{4}(-\d{2}){0,2}[-_ ]+", "", stem)
    words = re.sub(r"[-_]+", " ", words).strip() or stem
    return words[:1].upper() + words[1:]


def looks_like_title(line: str) -> bool:
    """A headline is short and does not read like a sentence of body text."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_TITLE_CHARS:
        return False
    return not (stripped.endswith(".") and len(stripped.split()) > 12)


def first_title_line(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if stripped and not is_furniture(stripped):
            return stripped
    return ""


def opens_with(text: str, title: str) -> bool:
    """Whether the body's first line is the title itself (an HTML page's headline, a record that
    repeats its title above the story): that line is then the title, not a passage."""
    return bool(title) and normalized_words(first_title_line(text)) == normalized_words(title)
