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
from explorer.sentences import sentence_spans, wordless

TokenCounter = Callable[[str], int]

MIN_WORDS = 15
"""A paragraph with fewer words is merged into a neighbour when it has one."""

MAX_LEAD_IN_WORDS = 30
"""Lines that lead into the next paragraph ("X reported that ... concerned") up to this long join it."""

MAX_PASSAGE_CHARS = 4000
"""No passage is longer than this, whatever its word-piece count (unknown-token blobs count as one)."""

MAX_WORD_CHARS = 200
"""A "word" longer than this (a URL, a base64 blob) is cut, so no passage grows without bound."""

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
    headline = article.title if article.headline_in_text else ""
    blocks = mark_repeats(article.text, paragraph_blocks(article.text), headline)
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


MAX_MERGED_WORDS = 180
"""Short lines join the previous paragraph only while it stays below this size."""


def _needs_neighbour(piece: str) -> bool:
    if len(piece) > MAX_LEAD_IN_WORDS * 25:  # long enough to stand alone; skip counting huge strings
        return False
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
        if (
            not forward
            and not wordless(piece)
            and len(text[spans[i - 1][0] : spans[i - 1][1]].split()) >= MAX_MERGED_WORDS
        ):
            # A run of short lines (a list, a poem) starts a new passage instead of growing one forever.
            if i + 1 < len(spans) and not _needs_neighbour(text[spans[i + 1][0] : spans[i + 1][1]]):
                i += 1
                continue
            forward = i + 1 < len(spans)
            if not forward:
                i += 1
                continue
        target = i + 1 if forward else i - 1
        first = min(i, target)
        spans[first] = (spans[first][0], spans[first + 1][1])
        del spans[first + 1]
        i = first  # the merged span may still be short
    return spans


def _fit_window(text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int) -> list[tuple[int, int]]:
    """Cut a paragraph at sentence boundaries into pieces the model reads whole."""
    if end - start <= MAX_PASSAGE_CHARS and count_tokens(text[start:end]) <= max_tokens:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for sentence in _sentences_within(text, start, end, count_tokens, max_tokens):
        if current is None:
            current = sentence
            continue
        candidate = (current[0], sentence[1])
        if _fits(text, candidate, count_tokens, max_tokens):
            current = candidate
        else:
            pieces.append(current)
            current = sentence
    if current is not None:
        pieces.append(current)
    return pieces


def _fits(text: str, span: tuple[int, int], count_tokens: TokenCounter, max_tokens: int) -> bool:
    start, end = span
    return end - start <= MAX_PASSAGE_CHARS and count_tokens(text[start:end]) <= max_tokens


def _sentences_within(
    text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int
) -> list[tuple[int, int]]:
    """Sentence spans, with any sentence still too long cut between words."""
    result: list[tuple[int, int]] = []
    for a, b in sentence_spans(text, start, end):
        tokens = count_tokens(text[a:b])
        if tokens <= max_tokens and b - a <= MAX_PASSAGE_CHARS:
            result.append((a, b))
            continue
        words = [
            (a + m.start() + offset, a + min(m.end(), m.start() + offset + MAX_WORD_CHARS))
            for m in re.finditer(r"\S+", text[a:b])
            for offset in range(0, m.end() - m.start(), MAX_WORD_CHARS)
        ]
        result.extend(_word_chunks(text, words, tokens, count_tokens, max_tokens))
    return result


def _word_chunks(
    text: str,
    words: list[tuple[int, int]],
    total_tokens: int,
    count_tokens: TokenCounter,
    max_tokens: int,
) -> list[tuple[int, int]]:
    """Cut a run of words with no sentence end into window-sized pieces.

    The chunk size is estimated from the run's word pieces per word and checked
    with one count per chunk (shrunk when it overshoots), so a single enormous
    line costs a few tokenizer calls per chunk, not a search.
    """
    pieces_per_word = max(total_tokens / max(len(words), 1), 1.0)
    size = max(int(max_tokens / pieces_per_word * 0.9), 1)
    chunks: list[tuple[int, int]] = []
    first = 0
    while first < len(words):
        last = min(first + size, len(words))
        while last - first > 1 and not _fits(text, (words[first][0], words[last - 1][1]), count_tokens, max_tokens):
            last = first + max((last - first) * 3 // 4, 1)
        chunks.append((words[first][0], words[last - 1][1]))
        first = last
    return chunks
