"""Words of one family in a theme's label and keywords: "Turkey, Turkish, Turks", "China, Chinese".

Stems make "militia" and "militias" one word (:func:`explorer.near_duplicates.deduplicate_keywords`), but not a
country and its people or language, nor "music" and "musicians": BBC News themes were labelled "Iraq,
Iraqi, Ambani family", "China, Chinese, Hong Kong" and "music, podcasting, musicians". Spelling alone
cannot tell those from "part" and "party" or "state" and "statement", which start as alike; the model
can. Two single words are one family when they start with the same :data:`FAMILY_PREFIX` letters *and*
their embeddings' cosine is at least :data:`FAMILY_MIN_COSINE` (all-MiniLM-L6-v2, measured as words
alone): Iraq/Iraqi 0.91, Scotland/Scottish 0.83, Turkey/Turkish 0.75, music/musicians 0.74,
China/Chinese 0.68; against state/statement 0.32, part/party 0.40, hand/handset 0.44, share/shareholder
0.47, games/gamers 0.56 and world/worldwide 0.65, just under. Two pairs a reader would keep pass:
hand/handle 0.67 and gold/golden 0.68; the price is one keyword that gives way to the next.
The better-ranked word of a family stands for it. A single word beside a phrase is compared with each
word of the phrase: "searchers" goes after "search engine" (a 40-article BBC set read "search engine,
searchers, Ask Jeeves").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from explorer.keyphrase_rerank import PhraseVectors

FAMILY_PREFIX = 4
"""Letters two words must start with alike ("Turk" of "Turkey" and "Turkish"): "Iran" and "Iraq" share three."""

FAMILY_MIN_COSINE = 0.65
"""Cosine of the two words' embeddings from which they are one family (see the module's measures)."""


def _may_pair(first: str, second: str) -> bool:
    """Two different single words that start alike: the pairs worth asking the model about."""
    if " " in first or " " in second:
        return False
    a, b = first.lower(), second.lower()
    return a != b and len(a) >= FAMILY_PREFIX and a[:FAMILY_PREFIX] == b[:FAMILY_PREFIX]


def _word_pairs(first: str, second: str) -> list[tuple[str, str]]:
    """The pairs of single words to compare for ``first`` and ``second``: the two words themselves, or a
    single word against each word of the other, a phrase ("searchers" and "search" of "search engine")."""
    if " " in first and " " in second:
        return []
    if " " in first:
        first, second = second, first
    return [(first, word) for word in second.split(" ") if _may_pair(first, word)]


class WordFamilies:
    """Which single words of a fit's keyword lists are one family: each word embedded once per fit, in its
    one batch of phrases (:meth:`words_to_compare`), and a pair compared by the cosine of the two."""

    def __init__(self, vectors: PhraseVectors) -> None:
        self.vectors = vectors
        """The fit's phrase embeddings, shared with the reranking that needs them too."""

    @staticmethod
    def words_to_compare(lists: Iterable[Sequence[str]]) -> list[str]:
        """Every word of ``lists`` that starts like another word of the same list: the ones :meth:`alike`
        will ask the model about, to embed in the fit's one batch of phrases."""
        words: set[str] = set()
        for terms in lists:
            starting: dict[str, set[str]] = {}
            for term in terms:
                for word in term.split(" "):
                    if len(word) >= FAMILY_PREFIX:
                        starting.setdefault(word[:FAMILY_PREFIX].lower(), set()).add(word)
            for alike in starting.values():
                if len({term.lower() for term in alike}) > 1:
                    words.update(alike)
        return sorted(words)

    def alike(self, first: str, second: str) -> bool:
        """True when ``first`` and ``second`` are one word family (start alike and mean alike)."""
        for a, b in _word_pairs(first, second):
            vectors = self.vectors([a, b])
            if float(vectors[0] @ vectors[1]) >= FAMILY_MIN_COSINE:
                return True
        return False

    def first_of_each(self, terms: Sequence[str], kept: Sequence[str] = ()) -> list[str]:
        """``terms`` in order without a word of the family of one before it, or of one of ``kept``."""
        chosen: list[str] = []
        for term in terms:
            if not any(self.alike(term, other) for other in (*kept, *chosen)):
                chosen.append(term)
        return chosen
