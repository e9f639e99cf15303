"""Sentence boundaries, found with a small rule set instead of a downloaded model.

News text is full of abbreviations ("U.S.", "Gen.", "Brig.-Gen.") and, in
scraped copies, sentences glued together without a space ("Force.It is").
The rules below handle both; they return character spans so that callers can
cut passages and highlights without losing offsets.
"""

from __future__ import annotations

import re

_TITLES = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "cmdr",
    "adm",
    "brig",
    "sgt",
    "sen",
    "rep",
    "gov",
    "pres",
    "rev",
    "hon",
}

# Titles (above) and other words that a full stop follows without ending the sentence.
_ABBREVIATIONS = _TITLES | {
    "no",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "fig",
    "al",
    "approx",
    "dept",
    "est",
    "vol",
}

_SENTENCE_OPENERS = {
    "A",
    "An",
    "And",
    "As",
    "At",
    "But",
    "By",
    "For",
    "He",
    "Her",
    "His",
    "I",
    "If",
    "In",
    "It",
    "Its",
    "No",
    "On",
    "Our",
    "She",
    "So",
    "That",
    "The",
    "Their",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "To",
    "We",
    "What",
    "When",
    "While",
    "Yet",
    "You",
}

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) and then
# whitespace or the end of the text, or - in glued text - directly before a capital letter or
# opening quote. The end comes before the glued case, so the closing quote of a text's last
# sentence ('...public cost."') stays with it instead of becoming a "sentence" of its own.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?:\s+|$|(?=[A-Z“\"]))")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in ``text[start:end]``, trimmed of surrounding whitespace.

    The spans cover every non-space character of the range, so joining them
    loses no text.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        if _is_boundary(text, cursor, match.start(), stop, end):
            _append_trimmed(text, cursor, stop, spans)
            cursor = stop
    _append_trimmed(text, cursor, end, spans)
    return spans


def _is_boundary(text: str, cursor: int, mark: int, stop: int, end: int) -> bool:
    """Decide whether the punctuation at ``text[mark:stop]`` really ends a sentence."""
    if stop >= end:
        return True
    candidate = text[cursor:stop].rstrip()
    next_word = re.match(r"[\"“‘']*(\w+)", text[stop:end])
    following = next_word.group(1) if next_word else ""
    if following[:1].islower() or following[:1].isdigit():
        return False  # '“Is Iraq About to Fall?” relates how...' or '3.5 billion'
    glued = not text[stop - 1].isspace()
    if glued:
        # Only a lowercase word glued to a capital is a lost space ("Force.It");
        # "U.S" or "al-Abadi.The" style initials are not.
        if not re.search(r"[a-z)\]”’\"]{2}[.!?…]+[\"'”’)\]]*$", candidate):
            return False
        # And only before a word that opens a sentence: not inside a name or code written with a full
        # stop ("One.Tel, which...", "Bagle.AT", "Bungie.Org" in BBC News).
        after = stop + next_word.end(1) if next_word else stop
        return following in _SENTENCE_OPENERS or (
            any(character.islower() for character in following) and (after >= end or text[after].isspace())
        )
    if candidate.endswith(("!", "?", "…")) or re.search(r"[!?…][\"'”’)\]]+$", candidate):
        return True
    word = re.search(r"([A-Za-z][A-Za-z.\-]*)\.[\"'”’)\]]*$", candidate)
    if not word:
        return True
    token = word.group(1)
    last = token.split("-")[-1].split(".")[-1].lower()
    if last in _TITLES:
        return False  # "Gen. Ray Odierno"
    if last in _ABBREVIATIONS or len(last) == 1 or "." in token:
        # "U.S. Army" goes on; "the U.S. It was" ends: only common sentence openers end it.
        return following in _SENTENCE_OPENERS
    return True


def wordless(text: str) -> bool:
    """Punctuation alone (a stray "." or '"' line left by the source): never a sentence or passage of its own."""
    return not any(character.isalnum() for character in text)


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return
    if spans and wordless(text[start:end]):
        spans[-1] = (spans[-1][0], end)  # a stray "." or '"' line ends the sentence before it
    else:
        spans.append((start, end))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[a:b] for a, b in sentence_spans(text)]
