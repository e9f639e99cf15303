"""Theme keywords and labels: class-based TF-IDF over keyphrases as the articles write them.

Each theme is scored as one class: a keyphrase scores high when it appears in
many of the theme's passages (coverage) and in few passages elsewhere
(BERTopic's c-TF-IDF idf, ``log(1 + average theme size / passages with the
phrase)``). Counting *passages that contain* a phrase, not raw counts, keeps a
single passage that repeats a name five times from labelling its whole theme.

Keyphrases are words and two-word phrases that really stand side by side in
the text: no stop word inside ("influence in Iraq" gives no "influence iraq"),
no punctuation between ("Baghdad, Iraqi" is not a phrase). Stop words, bare
numbers and words found in most passages or nearly every article ("Iran" in a
corpus about Iran) are left out, because they would label every theme alike.
Near-duplicates ("militias" after "militia", "Hezbollah" after "Kataib
Hezbollah") are dropped, and labels show each phrase in the spelling the
articles use most ("Kataib Hezbollah", "U.S. forces").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Container, Iterable, Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from explorer.stopwords import CONNECTIVES, HONORIFICS, STOP_WORDS

# Words of two or more characters that start with a letter and may hold apostrophes and hyphens
# inside ("al-Maliki", "Iraq’s"), or initialisms with dots ("U.S.", "U.N."). No word can start
# where an initialism does (a word's second character is never a dot), so trying the common case
# first finds the same tokens, faster. A word starts where no letter or digit stands before it:
# the unit glued to a number ("bn" of "£1.2bn", "th" of "5th") is not a word of its own.
_TOKEN = re.compile(r"(?<![^\W_])(?:[^\W\d_][\w'’-]*[^\W_]|(?:[A-Za-z]\.){2,})")
_PHRASE_GAP = re.compile(r"[ \t]+|[ \t]*-[ \t]*")
# Web and e-mail addresses: their pieces ("http", "www", "doi", "org") are not words of the text.
_LINK = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"')\]]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$")

MAX_ARTICLE_SHARE = 0.8
"""A word in this share of the articles (with at least 5 articles) is the corpus's subject, not a theme's."""

EVERY_ARTICLE_BELOW = 20
"""Under this many articles, only a word found in *every* article is the subject: one article is 5% or more of
the collection, and a theme word ("U.S.", "troops" in the seed corpus) easily reaches four articles of five.
bench/themes_bench.py's hand-picked seed sets: best-theme F1 0.40 / 0.30 / 0.48 with 80%, 0.40 / 0.42 / 0.53
with every article."""


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
        word, trim, particle = _counted_form(match.group(0))
        out.append((word, match.start(), match.end() - trim, particle))
    # Cached: labelling reads the same passages' spellings for a theme and for every broader theme holding it.
    return tuple(out)


@lru_cache(maxsize=500_000)
def _counted_form(token: str) -> tuple[str, int, bool]:
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


def _phrases_with_spans(text: str, first_words: Container[str] | None = None) -> Iterable[tuple[str, int, int]]:
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
            if not following or not _PHRASE_GAP.fullmatch(text[last_end:next_start]) or following in words:
                break
            words.append(following)
            last_end = next_end
            if not last_is_particle:
                yield " ".join(words), start, next_end


# A word, or anything but spaces and hyphens between words (punctuation ends a phrase).
_WORD_OR_BREAK = re.compile(_TOKEN.pattern + r"|[^\w\s-]+")


_FORMS: dict[str, tuple[str, int, bool]] = {}
"""Token -> :func:`_counted_form` (or a break), looked up by the hot loop below without a function call."""

MAX_FORMS = 500_000
"""Tokens remembered before :data:`_FORMS` starts afresh (a long-running app sees ever new words)."""


def _form_of(token: str) -> tuple[str, int, bool]:
    if len(_FORMS) >= MAX_FORMS:
        _FORMS.clear()
    form = _FORMS[token] = _counted_form(token) if token[0].isalpha() else ("", 0, False)
    return form


def keyphrases(text: str) -> list[str]:
    """The analyzer handed to scikit-learn's CountVectorizer: the phrases of :func:`_phrases_with_spans`,
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
    for token in _WORD_OR_BREAK.findall(without_links(text)):
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


class Vocabulary:
    """Which passages contain which keyphrases, with corpus-wide and near-stop-word phrases removed."""

    def __init__(self, texts: Sequence[str], article_ids: Sequence[str] | None = None) -> None:
        n = len(texts)
        vectorizer = CountVectorizer(
            analyzer=keyphrases,
            binary=True,
            min_df=2 if n >= 50 else 1,
            max_df=0.5 if n >= 20 else 1.0,
            dtype=np.float32,
        )
        try:
            matrix = vectorizer.fit_transform(texts).tocsc()
            terms = vectorizer.get_feature_names_out()
        except ValueError:  # every word was a stop word, or too rare
            matrix, terms = sparse.csc_matrix((n, 0), dtype=np.float32), np.array([], dtype=object)
        keep = self._not_ubiquitous(matrix, terms, article_ids)
        self.columns = matrix[:, keep].tocsc()
        """Passages x phrases (0/1), by column: the passages that contain a phrase."""
        self.matrix = self.columns.tocsr()
        """The same by row: the phrases of a passage."""
        self.terms = terms[keep]
        self.document_frequency = np.asarray(self.matrix.sum(axis=0)).ravel()
        self.column_of = {term: j for j, term in enumerate(self.terms)}

    @staticmethod
    def _not_ubiquitous(matrix: sparse.csc_matrix, terms: np.ndarray, article_ids: Sequence[str] | None) -> np.ndarray:
        """Drop words that nearly every article uses: they name the corpus's subject, not a theme."""
        keep = np.ones(len(terms), dtype=bool)
        if article_ids is None or not len(terms):
            return keep
        names, article_of_row = np.unique(np.asarray(article_ids, dtype=object), return_inverse=True)
        if len(names) < 5:
            return keep
        per_article = sparse.csr_matrix(
            (np.ones(len(article_of_row)), (article_of_row, np.arange(len(article_of_row)))),
            shape=(len(names), len(article_of_row)),
        )
        articles_with_term = np.asarray(((per_article @ matrix) > 0).sum(axis=0)).ravel()
        is_word = np.array([" " not in term for term in terms])
        needed = len(names) if len(names) < EVERY_ARTICLE_BELOW else MAX_ARTICLE_SHARE * len(names)
        keep[is_word & (articles_with_term >= needed)] = False
        return keep

    def holding(self, rows: np.ndarray) -> Callable[[str], frozenset[int]]:
        """phrase -> the passages among ``rows`` that contain it (none, for a phrase not in the vocabulary)."""
        member = np.zeros(self.columns.shape[0], dtype=bool)
        member[rows] = True

        def passages(term: str) -> frozenset[int]:
            column = self.column_of.get(term)
            if column is None:
                return frozenset()
            held = self.columns.indices[self.columns.indptr[column] : self.columns.indptr[column + 1]]
            return frozenset(held[member[held]].tolist())

        return passages

    def theme_counts(self, memberships: Sequence[np.ndarray]) -> np.ndarray:
        """Passages containing each phrase, per group of rows (one row per theme)."""
        if not len(memberships):
            return np.zeros((0, len(self.terms)))
        indicator = sparse.vstack(
            [
                sparse.csr_matrix(
                    (np.ones(len(rows)), (np.zeros(len(rows), dtype=int), rows)), shape=(1, self.matrix.shape[0])
                )
                for rows in memberships
            ]
        )
        return np.asarray((indicator @ self.matrix).todense())


def ctfidf_scores(
    counts: np.ndarray,
    sizes: np.ndarray,
    document_frequency: np.ndarray,
    average_size: float | None = None,
    rarity_scale: float = 1.0,
) -> np.ndarray:
    """c-TF-IDF on passage counts: coverage in the theme times rarity in the corpus.

    ``counts[t, w]``: passages of theme ``t`` containing phrase ``w``;
    ``sizes[t]``: passages in theme ``t``; ``document_frequency[w]``: passages
    in the corpus containing ``w``; ``average_size``: passages per theme at
    this level of the hierarchy (default: the mean of ``sizes``);
    ``rarity_scale``: how gently rarity counts, ``log(1 + scale * average / df)``
    (1 for labels; :data:`KEYWORD_RARITY_SCALE` for the rest of the keywords).
    """
    coverage = counts / np.maximum(sizes[:, None], 1)
    if average_size is None:
        average_size = max(float(np.mean(sizes)), 1.0) if len(sizes) else 1.0
    idf = np.log1p(rarity_scale * average_size / np.maximum(document_frequency, 1))
    scores = coverage * idf
    # A phrase in a single passage of a larger theme is an accident of wording, not its keyphrase;
    # in a theme of hundreds, so is a name in a handful of them.
    floor = np.maximum(2.0, np.ceil(MIN_THEME_SHARE * sizes))[:, None]
    scores[(counts < floor) & (sizes[:, None] >= 4)] = 0.0
    return scores


MIN_THEME_SHARE = 0.05
"""A keyphrase must be held by at least this share of its theme's passages (and by two).

Without it, a theme of hundreds of passages took names held by three or four of them (BBC News as
short items, bench/short_items_bench.py: "Robert Kilroy-Silk", "concentration camp guard"): true but
rare, they tell a reader little of the theme, and they seldom share a passage with its other
keywords. Measured on BBC News' paragraphs (seed 0, bench/themes_bench.py): NPMI of the top-10
keywords 0.154 -> 0.225, diversity 0.949 -> 0.937, label R-precision 0.485 -> 0.482; 2-3% changed
nothing, 8% cost more diversity (0.905). Themes of up to 40 passages (all of the seed corpus's) keep
the floor of two."""


KEYWORD_RARITY_SCALE = 3.0
"""How gently rarity counts for the keywords that follow a theme's label (:func:`ctfidf_scores`).

The label names what sets a theme apart, so it is scored with the full rarity term: "Kataib Hezbollah",
"Guantanamo Bay". The rest of the keyword list says what the theme's passages talk about, and there a
name held by three of a theme's hundred passages tells a reader less than a word most of them share
("Charles Clarke" against "government"). BERTopic's c-TF-IDF counts words, so its rarity term is gentler
in the same way. Measured with bench/short_items_bench.py and bench/themes_bench.py (seed 0; labels
unchanged): NPMI of the top-10 keywords on BBC News as short items 0.035 -> 0.120 (seeds 1 and 2:
0.039 -> 0.091, 0.024 -> 0.081), on BBC News' paragraphs 0.238 -> 0.249; diversity 0.963 -> 0.922 and
0.935 -> 0.883. A scale of 10 gained little more (0.132, 0.264) and cost more diversity (0.899, 0.834)."""


KEYWORD_SPARES = 10
"""c-TF-IDF keyphrases kept beyond a theme's keyword list, to take the place of keywords that
:func:`with_companions` moves back."""

KEYWORD_COMPANIONS = 4
"""Keywords before it that a keyword after the label must share a passage of its theme with (all of them,
while fewer are chosen): :func:`with_companions`."""


PROMOTE_SHARE = 0.6
"""A word gives way to a longer phrase holding it when the phrase covers this share of the word's passages."""

PROMOTE_KEEP = 0.8
"""Of the phrases a word may give way to, the longest that still holds this share of the passages of the
best-covering one: a word that some passages add in front is not part of the name. BBC News as short items
(bench/short_items_bench.py) had "govern computer-based inventions", which 2 of the 3 items holding
"computer-based inventions" write after "rules to"; it is now "computer-based inventions". No BBC News
paragraph label (seed 0) and no seed-corpus label changed; at 0.9, "British Phonographic Industry" lost
its "British"."""


def top_keywords(scores: np.ndarray, terms: np.ndarray, top_n: int, counts: np.ndarray | None = None) -> list[str]:
    """The best-scoring phrases of one theme, near-duplicates removed.

    With the theme's ``counts``, a word that mostly occurs inside a longer
    phrase gives way to it: "nuclear" becomes "nuclear program", "Guard"
    becomes "Revolutionary Guard Corps".
    """
    return [term for term, _ in scored_keywords(scores, terms, top_n, counts)]


def scored_keywords(
    scores: np.ndarray, terms: np.ndarray, top_n: int, counts: np.ndarray | None = None
) -> list[tuple[str, float]]:
    """:func:`top_keywords` with each phrase's c-TF-IDF score (a promoted phrase keeps the score of the
    word it stands for, so the order and the scores agree)."""
    candidates = [int(i) for i in best_first(scores, top_n * 8) if scores[i] > 0]
    promoted = _promoted(candidates, terms, counts) if counts is not None else candidates
    score_of: dict[str, float] = {}
    for slot, index in zip(candidates, promoted):
        score_of.setdefault(str(terms[index]), float(scores[slot]))
    return [(term, score_of[term]) for term in deduplicate_keywords(score_of, top_n)]


def best_first(scores: np.ndarray, count: int) -> np.ndarray:
    """The indices of the ``count`` highest ``scores``, best first, ties in index order: the head of a
    stable argsort of ``-scores``, without sorting the whole vocabulary (each theme and each node of
    the hierarchy asks for ~80 of ~40,000 phrases on BBC News)."""
    if count >= len(scores):
        return np.argsort(-scores, kind="stable")
    if count <= 0:
        return np.zeros(0, dtype=int)
    # Only the phrases a theme holds score above zero. The selection runs over those alone: on the
    # whole vocabulary, mostly zeros, np.partition took ~20 ms a call (1 ms on distinct values), 0.8 s
    # of a 4 s fit of BBC News.
    chosen = np.flatnonzero(scores > 0)  # in index order, so the stable sort keeps ties that way
    if len(chosen) > count:
        held = scores[chosen]
        chosen = chosen[held >= np.partition(held, len(held) - count)[len(held) - count]]
    head = chosen[np.argsort(-scores[chosen], kind="stable")][:count]
    if len(head) == count:
        return head
    rest = np.flatnonzero(scores <= 0)
    return np.concatenate([head, rest[np.argsort(-scores[rest], kind="stable")][: count - len(head)]])


def _promoted(candidates: list[int], terms: np.ndarray, counts: np.ndarray) -> list[int]:
    """For each candidate, the longest candidate phrase that contains it and covers most of its passages
    (:data:`PROMOTE_SHARE`) and nearly all of those of the best-covering such phrase (:data:`PROMOTE_KEEP`);
    among equally long ones, the best-scoring."""
    padded = [f" {terms[i]} " for i in candidates]
    lengths = [len(str(terms[i]).split()) for i in candidates]
    covered = [float(counts[i]) for i in candidates]
    out = []
    for position in range(len(candidates)):
        needed = PROMOTE_SHARE * covered[position]
        holding = [
            other
            for other, phrase in enumerate(padded)
            if lengths[other] > lengths[position] and covered[other] >= needed and padded[position] in phrase
        ]
        best = position
        if holding:
            kept = PROMOTE_KEEP * max(covered[other] for other in holding)
            best = max((other for other in holding if covered[other] >= kept), key=lambda o: (lengths[o], -o))
        out.append(candidates[best])
    return out


def ctfidf_keywords(
    texts: Sequence[str],
    labels: np.ndarray,
    top_n: int = 10,
    article_ids: Sequence[str] | None = None,
) -> dict[int, list[str]]:
    """The top keywords of every theme label >= 0, best first, without near-duplicates."""
    labels = np.asarray(labels)
    themes = sorted(int(label) for label in set(labels.tolist()) if label >= 0)
    if not themes:
        return {}
    vocabulary = Vocabulary(texts, article_ids)
    memberships = [np.flatnonzero(labels == theme) for theme in themes]
    counts = vocabulary.theme_counts(memberships)
    sizes = np.array([len(rows) for rows in memberships], dtype=float)
    scores = ctfidf_scores(counts, sizes, vocabulary.document_frequency)
    return {theme: top_keywords(scores[row], vocabulary.terms, top_n, counts[row]) for row, theme in enumerate(themes)}


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


def _stems(keyword: str) -> tuple[str, ...]:
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
        for phrase, start, end in _phrases_with_spans(text, first_words):
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
    if not leads or not _capitalised(form):
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
        if _counted_form(word)[0] or word.isupper() or lower in HONORIFICS or lower in CONNECTIVES:
            break
        lead.insert(0, word)
    if not lead:
        return ""
    first = start - len(" ".join(lead)) - 1
    return None if _opens_sentence(text, first) else " ".join(lead)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or (word[:3].lower() in ("al-", "el-") and word[3:4].isupper())


def name_of(keyword: str, form: str) -> tuple[str, str]:
    """(``keyword``, its ``form``) without the lower-case words a form puts before a name: "boss Jose
    Mourinho" is "Jose Mourinho", "secretary Charles Clarke" "Charles Clarke" (BBC News keywords). The
    name is what a reader looks for, and the word before it is how one paper introduces it. Kept: a form
    that starts with a capital, has a lower-case word after the capitals ("Chelsea boss"), or ends in a
    single capitalised word ("destabilizing Iraq", a seed-corpus keyword)."""
    words = form.split(" ")
    counted = keyword.split(" ")
    if len(words) < 2 or len(words) != len(counted) or _capitalised(words[0]):
        return keyword, form
    start = next((i for i, word in enumerate(words) if _capitalised(word)), len(words))
    if len(words) - start < 2 or not all(_capitalised(word) for word in words[start:]):
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
        keyword = _acronym_for(candidate, names) or candidate
        stems = set(_stems(keyword))
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


_NAME_GOES_ON = re.compile(r"[ \t]+(?:[A-Z]|(?:al|el)-[A-Z])")
"""Another capitalised word straight after, in the same sentence ("Roman" → " Catholics", "Nouri" → " al-Maliki")."""


def cut_inside_a_name(phrase: str, texts: Sequence[str]) -> bool:
    """True when ``phrase`` has several words, ends in a capitalised one, and every time ``texts`` write it
    another capitalised word follows: the three-word limit of a keyphrase cut a name in two. "throne marrying
    Roman" (of "heirs to the throne marrying Roman Catholics", a BBC News label) reads as nonsense; the
    label takes its next phrase instead. Single words are left to :func:`leads_into`, which keeps "Gordon"
    unless "Gordon Brown" is itself a candidate."""
    if " " not in phrase:
        return False
    first_word = {phrase.split(" ", 1)[0]}
    found = False
    for text in texts:
        for occurrence, start, end in _phrases_with_spans(text, first_word):
            if occurrence != phrase:
                continue
            if not (_capitalised(text[start:end].rsplit(None, 1)[-1]) and _NAME_GOES_ON.match(text, end)):
                return False
            found = True
    return found


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
    stems = [_stems(keyword) for keyword in chosen]
    for keyword in more:
        if len(chosen) == limit:  # later keywords can only be dropped or come after these
            break
        mine = _stems(keyword)
        if any(_overlaps(mine, other) for other in stems):
            continue
        if alike is not None and any(alike(keyword, other) for other in chosen):
            continue
        chosen.append(keyword)
        stems.append(mine)
    return chosen


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
    named_by_label = {_acronym_for(keyword, names) or keyword for keyword in keywords[:head]}
    kept = list(keywords[:head])
    for keyword in keywords[head:]:
        acronym = _acronym_for(keyword, names)
        if (acronym is not None and acronym in present) or keyword in named_by_label:
            continue
        kept.append(keyword)
    return kept


def with_companions(
    ordered: Sequence[str],
    head: int,
    holding: Callable[[str], frozenset[int]],
    limit: int,
    companions: int = KEYWORD_COMPANIONS,
) -> list[str]:
    """A theme's keyword list: the first ``head`` phrases of ``ordered`` (its label) as they are, then in
    order the phrases that share a passage with at least ``companions`` of those already chosen (with all of
    them, while fewer are chosen), up to ``limit``; if too few do, the others fill the list, in order.

    ``holding(phrase)`` gives the theme's passages that contain the phrase. A keyword that seldom appears
    beside the ones before it names a story of its own inside the theme: "Elvis Presley" in six of the 119
    BBC items of a theme labelled "music, band, singer", none of which says any of the three. A reader
    takes a keyword list to describe the same passages throughout, and topic coherence (NPMI) measures
    exactly that: bench/short_items_bench.py, BBC News as short items, 0.148 -> 0.177 (seed 0).
    """
    chosen = list(ordered[:head])[:limit]
    held = [holding(phrase) for phrase in chosen]
    passed_over: list[str] = []
    for phrase in ordered[head:]:
        if len(chosen) >= limit:
            break
        mine = holding(phrase)
        beside = sum(1 for other in held if mine & other)
        if beside >= min(companions, len(chosen)):
            chosen.append(phrase)
            held.append(mine)
        else:
            passed_over.append(phrase)
    return chosen + passed_over[: max(0, limit - len(chosen))]


MAX_ACRONYM_LETTERS = 6
_ACRONYM = re.compile(
    rf"(?<![\w.])(?:[A-Z]{{2,{MAX_ACRONYM_LETTERS}}}|(?:[A-Z]\.){{2,{MAX_ACRONYM_LETTERS}}})(?![\w.])"
)
_NAME_GAP = r"(?:(?:[ \t]+[a-z]{1,3})*[ \t]+|[ \t]*-[ \t]*)"


def _acronym_for(phrase: str, names: dict[str, list[str]]) -> str | None:
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
            " ".join(_PHRASE_GAP.split(match.group().lower())): None
            for match in re.finditer(rf"(?<![\w'’-]){name}(?![\w'’-])", joined)
        }  # each name once, in the order first written
        if found:
            names[word] = list(found)
    return names


def _within(phrase: str, name: str) -> bool:
    """True when ``phrase``'s words stand side by side in ``name`` (both in lower case)."""
    return f" {name} ".find(f" {phrase} ") >= 0


def word_runs(texts: Sequence[str], words_wanted: Container[str]) -> dict[str, list[list[str]]]:
    """Each of ``words_wanted`` found in ``texts`` -> for each place it occurs, the runs of two or three
    words that start there (no stop word or punctuation inside): what :func:`leads_into` reads, made
    once per label, and only for its single-word candidates (labelling runs for every theme and
    hierarchy node, inside the fit)."""
    runs: dict[str, list[list[str]]] = {}
    for text in texts:
        starting: dict[int, list[str]] = {}
        words: list[tuple[str, int]] = []
        for phrase, start, _ in _phrases_with_spans(text, words_wanted):
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
