"""Keyphrases as the articles write them: the words and short phrases themes are described by.

Keyphrases are words and runs of up to three words that really stand side by side in the text: no stop
word inside ("influence in Iraq" gives no "influence iraq"), no punctuation between ("Baghdad, Iraqi" is
not a phrase). Stop words and bare numbers are left out; a word is counted in lower case, without a
possessive, so "Iraq's" and "Iraq" are one. The same tokens serve c-TF-IDF (:mod:`explorer.ctfidf`), which
needs them fast, and the labels (:mod:`explorer.labels`), which need where each phrase stands.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from functools import lru_cache

from explorer.stopwords import STOP_WORDS

# Words of two or more characters that start with a letter and may hold apostrophes and hyphens
# inside ("al-Maliki", "Iraq’s"), or initialisms with dots ("U.S.", "U.N."). No word can start
# where an initialism does (a word's second character is never a dot), so trying the common case
# first finds the same tokens, faster. A word starts where no letter or digit stands before it:
# the unit glued to a number ("bn" of "£1.2bn", "th" of "5th") is not a word of its own.
_TOKEN = re.compile(r"(?<![^\W_])(?:[^\W\d_][\w'’-]*[^\W_]|(?:[A-Za-z]\.){2,})")
PHRASE_GAP = re.compile(r"[ \t]+|[ \t]*-[ \t]*")
# Web and e-mail addresses: their pieces ("http", "www", "doi", "org") are not words of the text.
_LINK = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"')\]]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$")


@lru_cache(maxsize=500_000)
def normalise(token: str) -> str:
    """The form a token is counted under: lower case, straight apostrophes, no possessive "'s".

    "US" written in capitals is the country, not the pronoun, so it counts as "u.s.".
    """
    if token in ("US", "U.S", "U.S."):
        return "u.s."
    word = _POSSESSIVE.sub("", token.replace("’", "'")).lower()
    return word


def without_links(text: str) -> str:
    """``text`` with each web or e-mail address masked by as many "|" (a break between phrases), so
    offsets stay those of the text. A theme of abstracts that cite their tools' sites was labelled
    "genome, http" in SciFact."""
    if "://" not in text and "www." not in text and "WWW." not in text and "@" not in text:  # most: no regex
        return text
    return _LINK.sub(lambda link: "|" * len(link.group(0)), text)


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[str, int, int, bool], ...]:
    """(normalised word, start, end, is a name particle) for every word of ``text``, stop words marked by an
    empty form."""
    out = []
    for match in _TOKEN.finditer(without_links(text)):
        word, trim, particle = counted_form(match.group(0))
        out.append((word, match.start(), match.end() - trim, particle))
    # Cached: labelling reads the same passages' spellings for a theme and for every broader theme holding it.
    return tuple(out)


@lru_cache(maxsize=500_000)
def counted_form(token: str) -> tuple[str, int, bool]:
    """(normalised word or "" for a stop word, characters of possessive to trim from the span, whether it
    is a name particle)."""
    word = normalise(token)
    possessive = _POSSESSIVE.search(token)
    trim = len(possessive.group(0)) if possessive else 0
    if word in NAME_PARTICLES and not token.isupper():
        return word, trim, True
    return ("" if word in STOP_WORDS or len(word) < 2 else word), trim, False


MAX_PHRASE_WORDS = 3

NAME_PARTICLES = frozenset(
    {"al", "bin", "ibn", "da", "das", "de", "del", "della", "den", "der", "di", "dos", "du", "la", "le", "van", "von"}
)
"""Words inside names ("Robert De Niro", "Tour de France", "van Gogh", "Osama bin Laden"): a phrase may hold
one or start with one, but is never one alone and never ends in one. As a stop word, "de" broke "Robert
De Niro" into the keywords "Robert" and "Niro" (1,440 BBC News items through `explorer build`); as a word,
"van" could be a keyword of its own. Written in capitals ("LA", "DE") it is an acronym, not a particle."""


def phrases_with_spans(text: str, first_words: Container[str] | None = None) -> Iterable[tuple[str, int, int]]:
    """Every keyphrase in ``text``: single words, and runs of up to three with nothing but a space between
    (only those starting with one of ``first_words``, when given); a name particle only inside a run."""
    tokens = _tokens(text)
    for index, (word, start, end, particle) in enumerate(tokens):
        if not word or (first_words is not None and word not in first_words):
            continue
        if not particle:
            yield word, start, end
        words, last_end = [word], end
        for following, next_start, next_end, last_is_particle in tokens[index + 1 : index + MAX_PHRASE_WORDS]:
            if not following or not PHRASE_GAP.fullmatch(text[last_end:next_start]) or following in words:
                break
            words.append(following)
            last_end = next_end
            if not last_is_particle:
                yield " ".join(words), start, next_end


# A word, or anything but spaces and hyphens between words (punctuation ends a phrase).
WORD_OR_BREAK = re.compile(_TOKEN.pattern + r"|[^\w\s-]+")


_FORMS: dict[str, tuple[str, int, bool]] = {}
"""Token -> :func:`counted_form` (or a break), looked up by the hot loop below without a function call."""

MAX_FORMS = 500_000
"""Tokens remembered before :data:`_FORMS` starts afresh (a long-running app sees ever new words)."""


def _form_of(token: str) -> tuple[str, int, bool]:
    if len(_FORMS) >= MAX_FORMS:
        _FORMS.clear()
    form = _FORMS[token] = counted_form(token) if token[0].isalpha() else ("", 0, False)
    return form


def keyphrases(text: str) -> list[str]:
    """The analyzer handed to scikit-learn's CountVectorizer: the phrases of :func:`phrases_with_spans`,
    found faster (no character offsets) because every passage of the corpus goes through it.

    The run of words is kept in three locals rather than a list, because this is the hot loop of a
    themes fit: a stop word or punctuation ends the run, a word already among its last three
    restarts it, and a possessive ("Iraq's Diyala province") ends it after the word. A name particle
    (:data:`NAME_PARTICLES`) joins the run but ends no phrase.
    """
    out: list[str] = []
    append = out.append
    known = _FORMS.get
    oldest = older = last = None  # the run's last three words, most recent last
    for token in WORD_OR_BREAK.findall(without_links(text)):
        word, possessive, particle = known(token) or _form_of(token)
        if not word:
            oldest = older = last = None
        elif word in (last, older, oldest):
            if not particle:
                append(word)
            oldest = older = None
            last = word
        else:
            if not particle:
                append(word)
                if last is not None:
                    append(last + " " + word)
                    if older is not None:
                        append(older + " " + last + " " + word)
            oldest, older, last = older, last, word
        if possessive:
            oldest = older = last = None
    return out
