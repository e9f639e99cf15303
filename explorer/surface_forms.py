"""How the articles write a keyword: "Kataib Hezbollah", "U.S. forces", "New Zealand", "militias".

Keywords are counted in lower case (:mod:`explorer.keyphrases`); a label shows each in the spelling the
texts use most, read where a capital says something (not at a sentence's start, not inside another name).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from explorer.keyphrases import counted_form, phrases_with_spans
from explorer.stopwords import CONNECTIVES, HONORIFICS


def surface_forms(keywords: Sequence[str], texts: Iterable[str]) -> dict[str, str]:
    """Each keyword as the texts most often spell it ("Kataib Hezbollah", "U.S. forces", "militias").

    Capitals that only come from a sentence start or an all-capitals headline do not count, for or
    against the lower-case form; nor does one word's capital inside a longer name ("Federal" of
    "Federal Reserve", "Bank" of "World Bank"), unless the word is never written otherwise. Both
    used to weigh as doubt: any lower-case occurrence won, and "Brown" (Gordon Brown, Mr Brown in
    every other sentence) read "brown" beside one "brown envelope". A name whose capitalised stop
    word the keyphrases leave out ("New" of "New Zealand", "Three" of "Three Gorges Dam") gets it
    back (:func:`_name_start`).
    """
    wanted = set(keywords)
    first_words = {keyword.split(" ", 1)[0] for keyword in keywords}
    alone: dict[str, Counter] = {k: Counter() for k in keywords}  # forms inside a sentence, as themselves
    in_names: dict[str, Counter] = {k: Counter() for k in keywords}  # single words inside a longer name
    opening: dict[str, Counter] = {k: Counter() for k in keywords}  # forms that open a sentence
    starts: dict[str, Counter] = {k: Counter() for k in keywords}  # name starts before them ("" for none)
    for text in texts:
        for phrase, start, end in phrases_with_spans(text, first_words):
            if phrase not in wanted:
                continue
            form = re.sub(r"\s+", " ", text[start:end])
            if _opens_sentence(text, start):
                opening[phrase][form] += 1
                continue
            lead = _name_start(text, start)
            if lead is not None:
                starts[phrase][lead] += 1
            if _first_letter_only(form) and _within_a_name(text, start, end):
                in_names[phrase][form] += 1
            else:
                alone[phrase][form] += 1
    return {
        keyword: _completed(
            _best_form(keyword, alone[keyword] or in_names[keyword] or opening[keyword]), starts[keyword]
        )
        for keyword in keywords
    }


def _first_letter_only(form: str) -> bool:
    """A single word capitalised as a sentence start would be ("Bank", not "IRGC" or "McLetchie")."""
    return " " not in form and form[:1].isupper() and form[1:] == form[1:].lower()


_NAME_JOINS = r"(?:of|to|for|the|de|du|la|van|von)"
_CAPITAL_BEFORE = re.compile(rf"(?<![\w'’.-])([A-Z][\w'’-]*)[ \t]+(?:{_NAME_JOINS}[ \t]+)?$")
_CAPITAL_AFTER = re.compile(rf"^[ \t]+(?:{_NAME_JOINS}[ \t]+)*[A-Z0-9]")


def _within_a_name(text: str, start: int, end: int) -> bool:
    """True when the word at ``start:end`` is written beside another capitalised word or a number, other
    than a title, or joined to one by "of", "to" or the like ("World Bank", "Bank of England", "Channel
    4", "Gordon Brown", the headline "Is Iraq About to Fall to Iran?"; not "Mr Brown")."""
    before = _CAPITAL_BEFORE.search(text[max(0, start - 30) : start])
    if before is not None and before.group(1).lower().rstrip(".") not in HONORIFICS:
        return True
    return _CAPITAL_AFTER.match(text[end : end + 30]) is not None


NAME_START_SHARE = 2 / 3
"""Share of a name's occurrences inside sentences that must follow one capitalised stop word for the label
to show it ("New Zealand"): most of them, so that a stop word only some sentences put there stays out."""


def _completed(form: str, starts: Counter) -> str:
    """``form`` with the capitalised stop words (``starts``: what precedes each occurrence, "" for none)
    that most of its occurrences follow: "New" + "Zealand"."""
    leads = Counter({lead: n for lead, n in starts.items() if lead})
    if not leads or not capitalised(form):
        return form
    lead, count = max(leads.items(), key=lambda item: (item[1], item[0]))
    return f"{lead} {form}" if count >= NAME_START_SHARE * sum(starts.values()) else form


_ABBREVIATION = re.compile(r"(?:\b[A-Z][a-z]{0,2}|(?:[A-Za-z]\.)+[A-Za-z])\.$")
"""A period that ends a title or an initialism ("Mr.", "St.", "U.S.") rather than a sentence."""


def _opens_sentence(text: str, start: int) -> bool:
    """True when the word at ``start`` opens a sentence (after a full stop, a colon, a line break,
    or at the start), where a capital says nothing of how the word is written elsewhere."""
    before = text[max(0, start - 64) : start].rstrip(" \t\"'“‘([")
    if not before or before[-1] in "!?…:;\n":
        return True
    return before[-1] == "." and not _ABBREVIATION.search(before[-8:])


MAX_NAME_START = 2
"""Capitalised stop words a name may start with: "Three Gorges Dam", "The Who"; more is a title's words."""

_WORDS_BEFORE = re.compile(rf"(?<![\w'’.,£$€-])((?:[A-Z][\w'’]* |\d+ ){{1,{MAX_NAME_START}}})$")


def _name_start(text: str, start: int) -> str | None:
    """The capitalised stop words or the number written right before ``start`` inside a sentence ("New"
    before "Zealand", "Three" before "Gorges Dam", "50" before "Cent"), which the keyphrases leave out;
    "" when there are none, and ``None`` when the first of them opens the sentence ("New Zealand won"
    says nothing: every word opening a sentence is capitalised). Titles ("Mr") and words that join
    ("And") start no name.
    """
    found = _WORDS_BEFORE.search(text[max(0, start - 40) : start])
    if found is None:
        return ""
    lead: list[str] = []
    for word in reversed(found.group(1).split()):  # nearest first, up to the first word that is not a stop word
        lower = word.lower()
        if word.isdigit():
            lead.insert(0, word)
            break  # a number opens a name ("24 Hour Party People"); a word before it is no part of it
        if counted_form(word)[0] or word.isupper() or lower in HONORIFICS or lower in CONNECTIVES:
            break
        lead.insert(0, word)
    if not lead:
        return ""
    first = start - len(" ".join(lead)) - 1
    return None if _opens_sentence(text, first) else " ".join(lead)


def capitalised(word: str) -> bool:
    return word[:1].isupper() or (word[:3].lower() in ("al-", "el-") and word[3:4].isupper())


def name_of(keyword: str, form: str) -> tuple[str, str]:
    """(``keyword``, its ``form``) without the lower-case words a form puts before a name: "boss Jose
    Mourinho" is "Jose Mourinho", "secretary Charles Clarke" "Charles Clarke" (BBC News keywords). The
    name is what a reader looks for, and the word before it is how one paper introduces it. Kept: a form
    that starts with a capital, has a lower-case word after the capitals ("Chelsea boss"), or ends in a
    single capitalised word ("destabilizing Iraq", a seed-corpus keyword)."""
    words = form.split(" ")
    counted = keyword.split(" ")
    if len(words) < 2 or len(words) != len(counted) or capitalised(words[0]):
        return keyword, form
    start = next((i for i, word in enumerate(words) if capitalised(word)), len(words))
    if len(words) - start < 2 or not all(capitalised(word) for word in words[start:]):
        return keyword, form  # one capitalised word is as often an object: "destabilizing Iraq"
    return " ".join(counted[start:]), " ".join(words[start:])


def _best_form(keyword: str, counts: Counter) -> str:
    if not counts:
        return keyword
    readable = {form: n for form, n in counts.items() if not (form.isupper() and len(form) > 4)} or dict(counts)
    lower = sum(n for form, n in readable.items() if form == form.lower())
    capitalised = Counter({form: n for form, n in readable.items() if form != form.lower()})
    if capitalised:
        form, n = max(capitalised.items(), key=lambda item: (item[1], item[0]))
        if n > lower:
            return form
    if lower:
        return keyword if keyword in readable else min(f for f in readable if f == f.lower())
    return max(readable.items(), key=lambda item: (item[1], item[0]))[0]
