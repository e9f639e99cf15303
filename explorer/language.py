"""Whether an article is written in English, the only language the default model reads well.

all-MiniLM-L6-v2 was trained on English pairs. An outside check indexed French, Arabic and
Chinese articles next to English ones: they were indexed without a word, all three fell into one
theme, and an English question about their subject did not find the Arabic article in the top 50.
A build now says so. Function words are the cheapest sign of a language: in English news a third of
the words are among the few below, in French or Chinese text almost none are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from explorer.records import Article

ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "that",
        "for",
        "it",
        "was",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "he",
        "she",
        "they",
        "has",
        "have",
        "be",
        "are",
        "this",
        "an",
        "which",
        "but",
        "not",
        "or",
        "were",
        "had",
        "his",
        "her",
        "their",
        "its",
        "been",
        "will",
        "would",
        "there",
        "who",
    ]
)
"""Common English words that other Latin-script languages seldom write ("a", "de", "en" are left out)."""

MIN_SHARE = 0.08
"""Below this share of function words an article is taken for another language (English news: 0.3-0.4)."""

MIN_WORDS = 40
"""Shorter texts (a headline, a list) say too little about their language."""

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def english_share(text: str) -> tuple[float, int]:
    """(share of the words that are English function words, number of words); a run of Chinese or
    Japanese characters counts as one word per character, as those scripts put no spaces between words."""
    words = _WORD.findall(text.lower())
    count = sum(len(word) if _unspaced(word) else 1 for word in words)
    hits = sum(1 for word in words if word in ENGLISH_FUNCTION_WORDS)
    return hits / max(count, 1), count


def looks_english(text: str) -> bool:
    """True unless the text is long enough to tell and has too few English function words."""
    share, count = english_share(text)
    return count < MIN_WORDS or share >= MIN_SHARE


def _unspaced(word: str) -> bool:
    return any("\u3040" <= character <= "\u9fff" or "\uac00" <= character <= "\ud7af" for character in word)


SHOWN = 3
"""Articles named in the warning; the rest are counted."""


def language_warnings(articles: Iterable[Article]) -> list[str]:
    """One warning naming the articles that do not look English (at most :data:`SHOWN` by name)."""
    foreign = [article for article in articles if not looks_english(article.text)]
    if not foreign:
        return []
    named = ", ".join(f"{article.article_id} ({article.source_path})" for article in foreign[:SHOWN])
    more = f" and {len(foreign) - SHOWN} more" if len(foreign) > SHOWN else ""
    return [
        f"{named}{more}: not English, it seems; the default model reads English, so questions and themes "
        "will place them poorly (set EXPLORER_MODEL to a multilingual model's folder for other languages)"
    ]
