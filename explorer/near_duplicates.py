"""When two keywords are one to a reader: "militias" after "militia", "Hezbollah" after "Kataib Hezbollah".

A theme's keyword list and its label each keep the better-ranked of such a pair, so that neither spends
a place on a word it already shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache


@lru_cache(maxsize=1)
def _snowball():
    """The English Snowball stemmer of PyStemmer (installed for BM25), or None without it."""
    try:
        import Stemmer
    except ImportError:
        return None
    return Stemmer.Stemmer("english")


_VOWEL = re.compile("[aeiouy]")


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    """The stem that makes "militia" and "militias", "virus" and "viruses", "forces" and "force" one word.

    Snowball's English stemmer (the one BM25 uses); without PyStemmer, a plural-only fallback.
    """
    word = word.lower().replace("’", "'")
    if word.startswith(("al-", "el-")) and len(word) > 5:
        word = word[3:]  # "al-Abadi" and "Abadi" are one name
    stemmer = _snowball()
    if stemmer is not None:
        stem = stemmer.stemWord(word)
        # Snowball keeps an "s" right after a word's only vowel ("gas"), and so the plural of an acronym:
        # SciFact's theme on RNA was labelled "RNA, RNAs, chromatin". Nor does it know the plural of an
        # acronym without vowels: BBC News labelled a theme "DVDs, DVD, Sony".
        if len(stem) >= 3 and stem[-1] == "s" and (stem[-2] in "aeiou" or not _VOWEL.search(stem[:-1])):
            stem = stem[:-1]
        return stem
    for suffix in ("'s", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def keyword_stems(keyword: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in keyword.split())


def deduplicate_keywords(keywords: Iterable[str], limit: int | None = None) -> list[str]:
    """Drop a keyword that repeats a better-ranked one.

    "militias" after "militia" goes (same stems); so does "hezbollah" after
    "kataib hezbollah", and "militia fighters" after "militia": the better-ranked
    form stands for both. "prime minister" after "iraqi prime" goes too: the two
    overlap into one phrase ("Iraqi prime minister").
    """
    return led_by((), keywords, limit)


SAME_ROOT = 6
"""Two single words whose stems agree this far, one the start of the other, are one word to a reader:
"economy" (economi) and "economic" (econom); "state" and "statement" stay apart."""


def _overlaps(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    a, b = set(first), set(second)
    if a <= b or b <= a:
        return True
    if len(first) == len(second) == 1:
        short, long = sorted((first[0], second[0]), key=len)
        return len(short) >= SAME_ROOT and long.startswith(short)
    # Two phrases that chain into a longer one: ("iraqi", "prime") and ("prime", "minister").
    return len(first) > 1 and len(second) > 1 and (first[-1] == second[0] or second[-1] == first[0])


def led_by(
    head: Sequence[str],
    more: Iterable[str],
    limit: int | None = None,
    alike: Callable[[str, str], bool] | None = None,
) -> list[str]:
    """``head`` as it is, then the phrases of ``more`` that repeat neither it nor each other
    (:func:`deduplicate_keywords`, and ``alike``, when given: one word family,
    :class:`explorer.word_families.WordFamilies`), up to ``limit`` in all: a theme's keywords, its
    label's phrases first."""
    chosen = list(head)[:limit]
    stems = [keyword_stems(keyword) for keyword in chosen]
    for keyword in more:
        if len(chosen) == limit:  # later keywords can only be dropped or come after these
            break
        mine = keyword_stems(keyword)
        if any(_overlaps(mine, other) for other in stems):
            continue
        if alike is not None and any(alike(keyword, other) for other in chosen):
            continue
        chosen.append(keyword)
        stems.append(mine)
    return chosen
