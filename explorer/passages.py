"""Cut articles into passages: one per paragraph, sized for the model's window.

A passage is what a reader would quote: a paragraph. Paragraphs longer than the
model's window (256 word pieces for all-MiniLM-L6-v2; the rest would be
silently truncated) are cut at sentence boundaries, and lines too short to mean
anything alone (subheadings, "Stratfor reported February 20:") are merged into
a neighbour.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from explorer.cleaning import Block, mark_repeats, paragraph_blocks
from explorer.records import Article, Passage
from explorer.sentences import sentence_spans

TokenCounter = Callable[[str], int]

MIN_WORDS = 15
"""A paragraph with fewer words is merged into a neighbour when it has one."""

MAX_LEAD_IN_WORDS = 30
"""Lines that lead into the next paragraph ("X reported that ... concerned") up to this long join it."""

DEFAULT_MAX_TOKENS = 254
"""all-MiniLM-L6-v2 reads 256 word pieces, two of which are [CLS] and [SEP]."""


def count_words(text: str) -> int:
    """A token counter for when no tokenizer is at hand (about 0.75 of word pieces)."""
    return len(text.split())


def split_article(
    article: Article,
    count_tokens: TokenCounter = count_words,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> list[Passage]:
    """The passages of one article, in reading order, with stable ids."""
    blocks = mark_repeats(article.text, paragraph_blocks(article.text), article.title)
    groups = _merge_short(article.text, blocks)
    spans: list[tuple[int, int]] = []
    for start, end in groups:
        spans.extend(_fit_window(article.text, start, end, count_tokens, max_tokens))
    return [
        Passage(
            passage_id=passage_id(article.article_id, number),
            article_id=article.article_id,
            title=article.title,
            text=article.text[start:end],
            start=start,
            end=end,
        )
        for number, (start, end) in enumerate(spans)
    ]


def passage_id(article_id: str, number: int) -> str:
    """``<article_id>:<number>``: readable, and the same on every rebuild of the same text."""
    return f"{article_id}:{number:03d}"


def split_articles(
    articles: Iterable[Article],
    count_tokens: TokenCounter = count_words,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> list[Passage]:
    passages: list[Passage] = []
    for article in articles:
        passages.extend(split_article(article, count_tokens, max_tokens))
    return passages


def _is_lead_in(text: str) -> bool:
    """Headings and "X reported:" lines belong to the paragraph after them."""
    return text.rstrip().endswith(":") or not re.search(r"[.!?\"”’')\]]$", text.rstrip())


def _merge_short(text: str, blocks: list[Block]) -> list[tuple[int, int]]:
    """Group kept blocks so that no group is a lone short line, when it has a neighbour.

    Only blocks with nothing dropped between them are merged, so a group's span
    holds nothing but article text. Merging may overshoot the model window;
    :func:`_fit_window` cuts the result at sentences afterwards, which keeps a
    heading with the sentence it introduces.
    """
    runs: list[list[Block]] = [[]]
    for block in blocks:
        if block.kept:
            runs[-1].append(block)
        elif runs[-1]:
            runs.append([])
    groups: list[tuple[int, int]] = []
    for run in runs:
        groups.extend(_merge_run(text, run))
    return groups


def _needs_neighbour(piece: str) -> bool:
    words = len(piece.split())
    return words < MIN_WORDS or (_is_lead_in(piece) and words < MAX_LEAD_IN_WORDS)


def _merge_run(text: str, run: list[Block]) -> list[tuple[int, int]]:
    spans = [(b.start, b.end) for b in run]
    i = 0
    while i < len(spans):
        start, end = spans[i]
        piece = text[start:end]
        if len(spans) == 1 or not _needs_neighbour(piece):
            i += 1
            continue
        forward = i + 1 < len(spans) and (_is_lead_in(piece) or i == 0)
        target = i + 1 if forward else i - 1
        first = min(i, target)
        spans[first] = (spans[first][0], spans[first + 1][1])
        del spans[first + 1]
        i = first  # the merged span may still be short
    return spans


def _fit_window(text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int) -> list[tuple[int, int]]:
    """Cut a paragraph at sentence boundaries into pieces the model reads whole."""
    if count_tokens(text[start:end]) <= max_tokens:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for sentence in _sentences_within(text, start, end, count_tokens, max_tokens):
        if current is None:
            current = sentence
            continue
        candidate = (current[0], sentence[1])
        if count_tokens(text[candidate[0] : candidate[1]]) <= max_tokens:
            current = candidate
        else:
            pieces.append(current)
            current = sentence
    if current is not None:
        pieces.append(current)
    return pieces


def _sentences_within(
    text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int
) -> list[tuple[int, int]]:
    """Sentence spans, with any sentence still too long cut between words."""
    result: list[tuple[int, int]] = []
    for a, b in sentence_spans(text, start, end):
        if count_tokens(text[a:b]) <= max_tokens:
            result.append((a, b))
            continue
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[a:b])]
        chunk_start = 0
        while chunk_start < len(words):
            chunk_end = _longest_fitting(text, a, words, chunk_start, count_tokens, max_tokens)
            result.append((a + words[chunk_start][0], a + words[chunk_end - 1][1]))
            chunk_start = chunk_end
    return result


def _longest_fitting(
    text: str,
    offset: int,
    words: list[tuple[int, int]],
    first: int,
    count_tokens: TokenCounter,
    max_tokens: int,
) -> int:
    """Binary search for the largest word count from ``first`` that fits the window."""
    low, high = first + 1, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        span = text[offset + words[first][0] : offset + words[middle - 1][1]]
        if count_tokens(span) <= max_tokens:
            low = middle
        else:
            high = middle - 1
    return low
