"""Acronyms and the names they stand for: "IRGC" is "Islamic Revolutionary Guard Corps" in the texts.

To a reader "IRGC" and "Guard Corps" are one name twice, though they share no word or stem; a label and a
keyword list name it once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from explorer.keyphrases import PHRASE_GAP

MAX_ACRONYM_LETTERS = 6
_ACRONYM = re.compile(
    rf"(?<![\w.])(?:[A-Z]{{2,{MAX_ACRONYM_LETTERS}}}|(?:[A-Z]\.){{2,{MAX_ACRONYM_LETTERS}}})(?![\w.])"
)
_NAME_GAP = r"(?:(?:[ \t]+[a-z]{1,3})*[ \t]+|[ \t]*-[ \t]*)"


def acronyms_once(keywords: Sequence[str], head: int, texts: Sequence[str]) -> list[str]:
    """``keywords`` without the phrases after the first ``head`` (the label's) that name again what another
    keyword names as an acronym ("guard corps" beside "irgc"), or an acronym a label phrase spells out.

    ``texts`` are the theme's passages, where the acronym is written out (:func:`spelled_out_names`). The
    label already shows one name once (:func:`label_phrases`); the keywords after it did not, and the seed
    corpus's "Reda, IRGC, armed forces" went on with "Guard Corps".
    """
    names = spelled_out_names(texts, [keyword for keyword in keywords if " " not in keyword])
    if not names:
        return list(keywords)
    present = set(keywords)
    named_by_label = {acronym_for(keyword, names) or keyword for keyword in keywords[:head]}
    kept = list(keywords[:head])
    for keyword in keywords[head:]:
        acronym = acronym_for(keyword, names)
        if (acronym is not None and acronym in present) or keyword in named_by_label:
            continue
        kept.append(keyword)
    return kept


def acronym_for(phrase: str, names: dict[str, list[str]]) -> str | None:
    """The acronym whose written-out name holds the multi-word ``phrase``, if any (first one wins)."""
    if " " not in phrase:
        return None
    return next((word for word, written in names.items() if any(_within(phrase, name) for name in written)), None)


def spelled_out_names(texts: Sequence[str], words: Iterable[str]) -> dict[str, list[str]]:
    """The full names, in lower case, that ``texts`` give for those of ``words`` they write as an acronym,
    by that word: {"irgc": ["islamic revolutionary guard corps"]}, {"u.s.": ["united states"]}.

    A name is a run of capitalised words whose initials spell the acronym, with short lower-case
    words allowed between ("Islamic State of Iraq and the Levant" for ISIL). The label then shows
    the acronym where a phrase that is part of its name would stand ("Guard Corps" beside "IRGC"):
    to a reader that is one name twice, though no stem or word of the two is shared.
    """
    letters_of = {}
    for word in words:
        letters = word.replace(".", "")
        if 2 <= len(letters) <= MAX_ACRONYM_LETTERS and letters.isalpha():
            letters_of[word] = letters
    if not letters_of:
        return {}
    joined = "\n".join(texts)
    written = set(_ACRONYM.findall(joined))
    names: dict[str, list[str]] = {}
    for word, letters in letters_of.items():
        if word.upper() not in written:
            continue  # the texts never write this word as an acronym
        name = _NAME_GAP.join(rf"{letter.upper()}[\w'’]*" for letter in letters)
        found = {
            " ".join(PHRASE_GAP.split(match.group().lower())): None
            for match in re.finditer(rf"(?<![\w'’-]){name}(?![\w'’-])", joined)
        }  # each name once, in the order first written
        if found:
            names[word] = list(found)
    return names


def _within(phrase: str, name: str) -> bool:
    """True when ``phrase``'s words stand side by side in ``name`` (both in lower case)."""
    return f" {name} ".find(f" {phrase} ") >= 0
