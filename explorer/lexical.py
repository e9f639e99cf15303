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

import bisect
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


_QUESTION_WORD = re.compile(r"\w[\w'’-]*")

QUESTION_WORDS = frozenset(
    {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "whether"}
    | {"do", "does", "did", "can", "could", "would", "should", "has", "have", "had", "been", "were", "am"}
    | {"i", "me", "my", "we", "our", "you", "your", "he", "she", "his", "her", "its", "them", "those"}
    | {"about", "from", "than", "any", "some", "many", "much", "very", "so", "there's", "what's", "who's"}
)
"""Words a question is phrased with, not about: never a name the collection fails to mention ("Why" after
the last word of a question run into another). They stay among BM25's query words: dropping them
(session 25) cost the 90 seed and paraphrased questions mean reciprocal rank 0.750 -> 0.687, as right
answers often hold "who", "which" or "could" themselves (docs/SEARCH.md)."""

MIN_PREFIX = 4
"""A name of at least this many letters counts as mentioned when an indexed word starts with it ("Kurds",
analysed "kurd", -> "Kurdish"); an indexed word of more letters than this, when it starts the name
("Syrian" -> "Syria")."""


def names_in(question: str) -> list[str]:
    """The words of ``question`` that look like names, in order: capitalised but not opening a sentence
    ("Havana"), in capitals ("ISIS"), or with a capital or a digit inside ("iPhone", "G8"). Words that
    start with a digit are not names.

    Why names only: a paraphrase rightly uses words the articles do not, but a name the collection never
    mentions ("How much did the iPhone 15 cost?" over news that has no iPhone) means the passages shown
    answer the rest of the question, and the reader should know. A question in title case or capitals
    (no word of four letters or more in lower case) gives no such signal, so there only the words with a
    capital or digit inside count.
    """
    matches = list(_QUESTION_WORD.finditer(question))
    words = [match.group().rstrip("'’-") for match in matches]
    opening = [question[: match.start()].rstrip()[-1:] in ("", ".", "?", "!", ":") for match in matches]
    capitalised = [word[:1].isupper() for word in words]
    shouting = not any(word.islower() for word in words if len(word) > 3)  # Title Case or CAPITALS
    names = []
    for word, opens, capital in zip(words, opening, capitalised):
        if word[:1].isdigit():  # a year, a count, "400mg": the collection may write it another way
            continue
        mixed = any(c.isdigit() for c in word[1:]) or (not word.isupper() and any(c.isupper() for c in word[1:]))
        acronym = word.isupper() and len(word) > 1
        if word.lower() in QUESTION_WORDS and not acronym:  # "Why" after a question's last word; not "WHO"
            continue
        if mixed or (not shouting and (acronym or (capital and not opens))):
            names.append(word)
    return list(dict.fromkeys(names))


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

    def unmentioned(self, names: list[str]) -> list[str]:
        """The ``names`` that no passage mentions, even as the start of a longer word or with a longer
        word's start (stop words such as "The" are never unmentioned)."""
        return [name for name in names if not self._mentioned(name)]

    def _mentioned(self, name: str) -> bool:
        analyses = [tokenize([name], self._stemmer)[0], tokenize([name], None)[0]]
        return any(all(self._mentions(token) for token in tokens) for tokens in analyses)

    def _mentions(self, token: str) -> bool:
        if token in self._retriever.vocab_dict:
            return True
        words = self._sorted_vocabulary()
        if len(token) >= MIN_PREFIX:
            at = bisect.bisect_left(words, token)
            if at < len(words) and words[at].startswith(token):
                return True
        return any(token[:end] in self._retriever.vocab_dict for end in range(MIN_PREFIX + 1, len(token)))

    def _sorted_vocabulary(self) -> list[str]:
        if getattr(self, "_vocabulary_sorted", None) is None:
            self._vocabulary_sorted = sorted(self._retriever.vocab_dict)
        return self._vocabulary_sorted

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
