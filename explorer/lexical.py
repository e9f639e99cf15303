"""Keyword search over passages with BM25 (the ``bm25s`` library), saved with the index.

Dense vectors find paraphrases but blur rare names ("Khanaqin", "Fakka",
"Kataib Hezbollah") into their neighbourhood; BM25 matches them exactly.
Words are lowercased, English stop words dropped and Snowball-stemmed
(PyStemmer), the same analysis Lucene's English analyzer applies, which is
what published BM25 baselines use. Accents are folded first (Lucene's
ASCII folding, for Latin letters): news spells one name both ways
("Erdoğan" and "Erdogan", "Pérez" and "Perez"), and a reader types it
either way.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np

TOKEN_PATTERN = r"(?u)\b\w\w+\b"

_COMBINING_ACCENTS = re.compile("[\u0300-\u036f]")
"""The accents that Latin (and Greek and Cyrillic) letters decompose into; other scripts' marks stay,
as removing them would change what a word is (Devanagari vowel signs, Arabic vowel marks)."""

_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "æ": "ae", "Æ": "AE"}
    | {"œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D"}
)


def fold_accents(text: str) -> str:
    """``text`` with Latin accents taken off ("Erdoğan" -> "Erdogan", "Łódź" -> "Lodz", "Straße" ->
    "Strasse") and compatibility forms made plain (the "ﬁ" ligature, full-width letters)."""
    if text.isascii():
        return text
    plain = _COMBINING_ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFC", plain).translate(_LETTERS_WITHOUT_DECOMPOSITION)


def _stemmer():
    try:
        import Stemmer
    except ImportError:  # PyStemmer is optional: BM25 still works unstemmed
        return None
    return Stemmer.Stemmer("english")


def tokenize(texts: list[str], stemmer=None, fold: bool = True) -> list[list[str]]:
    """Analysed tokens of each text (accents folded unless ``fold`` is False, lowercased, stop words out,
    stemmed)."""
    import bm25s

    return bm25s.tokenize(
        [fold_accents(text) for text in texts] if fold else texts,
        lower=True,
        token_pattern=TOKEN_PATTERN,
        stopwords="en",
        stemmer=stemmer,
        return_ids=False,
        show_progress=False,
    )


class LexicalIndex:
    """BM25 over the passages, row-aligned with the FAISS index."""

    def __init__(self, retriever, size: int) -> None:
        self._retriever = retriever
        self._stemmer = _stemmer()
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25(k1=0.9, b=0.4)  # Anserini's BM25 defaults, used by the BEIR baselines
        tokens = tokenize(texts, _stemmer())
        # bm25s refuses an empty vocabulary; a corpus of stop words only still gets an index.
        retriever.index([t or ["__empty__"] for t in tokens], show_progress=False)
        return cls(retriever, len(texts))

    def save(self, directory: Path) -> None:
        self._retriever.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25.load(str(directory), show_progress=False)
        return cls(retriever, size)

    def _query_tokens(self, question: str) -> list[str]:
        vocabulary = self._retriever.vocab_dict
        tokens = set(tokenize([question], self._stemmer)[0])
        if not question.isascii():
            # An index built before accents were folded holds "erdoğan": the question's own spelling finds it.
            tokens |= set(tokenize([question], self._stemmer, fold=False)[0])
        return sorted(t for t in tokens if t in vocabulary)

    def scores(self, question: str) -> np.ndarray:
        """BM25 score of every passage for the question (0 where no word matches)."""
        tokens = self._query_tokens(question)
        if not tokens or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)

    def ceiling(self, question: str) -> float:
        """The best score any passage could get: each query word's best score in the corpus, summed.

        Dividing by it turns BM25 into "how much of the question's evidence this
        passage holds" (0..1), which means the same thing for every question,
        unlike dividing by the best hit of the moment.
        """
        tokens = self._query_tokens(question)
        if not tokens:
            return 0.0
        best = self._best_per_term()
        vocabulary = self._retriever.vocab_dict
        return float(sum(best[vocabulary[t]] for t in tokens if vocabulary[t] < len(best)))

    def _best_per_term(self) -> np.ndarray:
        if getattr(self, "_term_best", None) is None:
            scores = self._retriever.scores
            data, pointers = np.asarray(scores["data"]), np.asarray(scores["indptr"])
            best = np.zeros(len(pointers) - 1, dtype=np.float32)
            nonempty = pointers[1:] > pointers[:-1]
            best[nonempty] = np.maximum.reduceat(data, pointers[:-1][nonempty]) if len(data) else 0.0
            self._term_best = best
        return self._term_best
