"""Why a passage matched: the sentence of it that is closest to the question.

The app highlights that sentence and the JSON output carries it as
``"highlight"``. With a model at hand the sentence is chosen by embedding
similarity (it finds paraphrases); without one, by shared words.
"""

from __future__ import annotations

import re

import numpy as np

from explorer.lexical import fold_accents
from explorer.sentences import sentence_spans

_WORD = re.compile(r"\w+", re.UNICODE)


def candidate_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a passage, never across a line break, or the whole passage if it has none.

    A passage may hold a lead-in line ("upi continued:") and the paragraph it
    introduces; a highlight should not run from one into the other.
    """
    spans = [span for line in re.finditer(r"[^\n]+", text) for span in sentence_spans(text, line.start(), line.end())]
    worded = [(a, b) for a, b in spans if len(_WORD.findall(text[a:b])) >= MIN_HIGHLIGHT_WORDS]
    return worded or spans or [(0, len(text))]


MIN_HIGHLIGHT_WORDS = 3
"""Words a sentence needs to be the highlight, while the passage has such a sentence: a line of one or
two words explains no match, yet its embedding can sit closest to a question ("Kenyan", a stray line of
a BBC story, was the highlight for a question about a Kenyan runner)."""


def best_span_by_words(question: str, text: str) -> tuple[int, int]:
    """The sentence sharing the most (length-weighted) words with the question, accents aside, as BM25
    matches them."""
    wanted = {w for w in _WORD.findall(fold_accents(question).lower()) if len(w) > 2}
    spans = candidate_spans(text)
    scores = [sum(len(w) for w in set(_WORD.findall(fold_accents(text[a:b]).lower())) & wanted) for a, b in spans]
    return spans[int(np.argmax(scores))] if scores else (0, len(text))


def best_spans_by_meaning(question_vector: np.ndarray, texts: list[str], encode) -> list[tuple[int, int]]:
    """For each passage, the sentence whose embedding is closest to the question's.

    All sentences of all passages are encoded in one batch, which keeps this to
    one model call per question.
    """
    spans = [candidate_spans(text) for text in texts]
    sentences = [text[a:b] for text, text_spans in zip(texts, spans) for a, b in text_spans]
    if not sentences:
        return []
    vectors = encode(sentences)
    scores = vectors @ question_vector
    best: list[tuple[int, int]] = []
    offset = 0
    for text_spans in spans:
        part = scores[offset : offset + len(text_spans)]
        best.append(text_spans[int(np.argmax(part))])
        offset += len(text_spans)
    return best
