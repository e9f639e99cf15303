"""Theme labels: two to four of a theme's keyphrases that name it, as the articles write them.

The keyphrases come best first from c-TF-IDF (:mod:`explorer.ctfidf`); a label takes those that share no
word, lets a word give way to the name it opens ("Abu" to "al-Muhandis"), a phrase to the acronym that
stands for it, and drops a phrase the three-word limit cut inside a name. Near-duplicates are dropped
(:mod:`explorer.near_duplicates`), and each phrase is shown in the spelling the articles use most
(:mod:`explorer.surface_forms`).
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from explorer.acronyms import acronym_for, spelled_out_names
from explorer.keyphrases import NAME_PARTICLES, phrases_with_spans
from explorer.near_duplicates import keyword_stems
from explorer.surface_forms import capitalised, surface_forms


def make_label(keywords: Sequence[str], texts: Sequence[str], parts: int = 3, fallback: Sequence[str] = ()) -> str:
    """A short label: the :func:`label_phrases` as the articles write them ("miscellaneous" without any)."""
    chosen = label_phrases(keywords, texts, parts, fallback)
    return label_text(chosen, surface_forms(chosen, texts))


def label_text(phrases: Sequence[str], forms: dict[str, str]) -> str:
    """The label that reads ``phrases`` (as counted) in their ``forms``; "miscellaneous" without any."""
    return ", ".join(forms[phrase] for phrase in phrases) if phrases else "miscellaneous"


def label_phrases(
    keywords: Sequence[str], texts: Sequence[str], parts: int = 3, fallback: Sequence[str] = ()
) -> list[str]:
    """The keyphrases (as counted) that name a theme: up to ``parts`` that share no word;
    ``fallback`` keyphrases are used only to reach two. A word that ``texts`` only ever write at
    the start of another candidate's name gives way to it (:func:`leads_into`), and a phrase that is
    part of a candidate acronym's written-out name gives way to the acronym, which takes the phrase's
    place (:func:`spelled_out_names`): the label names the thing once, and never drops it."""
    if not keywords and not fallback:
        return []
    candidates = [*keywords, *fallback]
    single_words = [keyword for keyword in candidates if " " not in keyword]
    runs = word_runs(texts, set(single_words))
    names = spelled_out_names(texts, single_words)
    chosen: list[str] = []
    used: set[str] = set()
    for candidate in candidates:
        keyword = acronym_for(candidate, names) or candidate
        stems = set(keyword_stems(keyword))
        if stems & used:
            continue
        if any(other != keyword and leads_into(keyword, other, runs) for other in candidates):
            continue
        if len(chosen) >= 2 and candidate not in keywords:
            break
        if cut_inside_a_name(keyword, texts):  # after the break above: a scan of the texts it may spare
            continue
        chosen.append(keyword)
        used |= stems
        if len(chosen) == parts:
            break
    return chosen


_NAME_BEFORE = re.compile(r"(?:[A-Z][\w'’-]*|\d+)[ \t]+$")
"""A capitalised word or a number right before, in the same sentence ("Vasco" → "da Gama", "25" → "de Abril")."""

_NAME_GOES_ON = re.compile(r"[ \t]+(?:[A-Z]|(?:al|el)-[A-Z])")
"""Another capitalised word straight after, in the same sentence ("Roman" → " Catholics", "Nouri" → " al-Maliki")."""


def cut_inside_a_name(phrase: str, texts: Sequence[str]) -> bool:
    """True when ``phrase`` has several words and every time ``texts`` write it, it is cut out of a longer
    name by the three-word limit of a keyphrase: it ends in a capitalised word and another follows
    ("throne marrying Roman" of "heirs to the throne marrying Roman Catholics", a BBC News label that read
    as nonsense), or it opens with a name particle and a capitalised word or a number stands before it
    ("da Gama bridge" of "Vasco da Gama bridge", "de Abril bridge" of "25 de Abril bridge", labels of an
    outside check's collection). The label takes its next phrase instead. Single words are left to
    :func:`leads_into`, which keeps "Gordon" unless "Gordon Brown" is itself a candidate."""
    if " " not in phrase:
        return False
    first_word = phrase.split(" ", 1)[0]
    particle_first = first_word in NAME_PARTICLES
    found = False
    for text in texts:
        for occurrence, start, end in phrases_with_spans(text, {first_word}):
            if occurrence != phrase:
                continue
            cut_at_end = capitalised(text[start:end].rsplit(None, 1)[-1]) and _NAME_GOES_ON.match(text, end)
            cut_at_start = particle_first and _NAME_BEFORE.search(text, max(0, start - 40), start)
            if not (cut_at_end or cut_at_start):
                return False
            found = True
    return found


def word_runs(texts: Sequence[str], words_wanted: Container[str]) -> dict[str, list[list[str]]]:
    """Each of ``words_wanted`` found in ``texts`` -> for each place it occurs, the runs of two or three
    words that start there (no stop word or punctuation inside): what :func:`leads_into` reads, made
    once per label, and only for its single-word candidates (labelling runs for every theme and
    hierarchy node, inside the fit)."""
    runs: dict[str, list[list[str]]] = {}
    for text in texts:
        starting: dict[int, list[str]] = {}
        words: list[tuple[str, int]] = []
        for phrase, start, _ in phrases_with_spans(text, words_wanted):
            if " " in phrase:
                starting.setdefault(start, []).append(phrase)
            else:
                words.append((phrase, start))
        for word, start in words:
            runs.setdefault(word, []).append(starting.get(start, []))
    return runs


def leads_into(word: str, phrase: str, runs: dict[str, list[list[str]]]) -> bool:
    """True when the single word ``word`` occurs and each time opens a run of words (:func:`word_runs`)
    that goes on to ``phrase``.

    Such a word names nothing on its own: "Abu" of "Abu Mahdi al-Muhandis" (and "Abu Mehdi
    al-Muhandis", so no longer phrase reaches two passages) beside the label phrase "al-Muhandis".
    Only the word *before* gives way, as English names and noun phrases end in their head;
    "Federer and Nadal" or "Chelsea v Arsenal" are not runs, and both names stay.
    """
    places = runs.get(word) if " " not in word else None
    return bool(places) and all(any(run.endswith(" " + phrase) for run in place) for place in places)
