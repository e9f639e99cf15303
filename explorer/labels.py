"""Theme labels from class-based TF-IDF (c-TF-IDF) over scikit-learn's CountVectorizer.

Each theme's passages are treated as one long document; a term scores high
when it is frequent in that theme and rare across themes. English stop words
and words that occur in most passages of the corpus ("Iran" in a corpus about
Iran) are removed, because they would label every theme the same.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

# Words that carry no topic in news text, on top of scikit-learn's English list.
NEWS_STOP_WORDS = {
    "said",
    "says",
    "say",
    "told",
    "according",
    "reported",
    "report",
    "reports",
    "also",
    "would",
    "could",
    "may",
    "might",
    "one",
    "two",
    "new",
    "year",
    "years",
    "last",
    "time",
    "mr",
    "ms",
    "mrs",
    "just",
    "like",
    "including",
    "week",
    "weeks",
    "did",
    "does",
    "going",
}
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | NEWS_STOP_WORDS)

# Words of two or more letters; no bare numbers.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'’-]*[^\W_]\b"


def _vectorizer(n_documents: int) -> CountVectorizer:
    return CountVectorizer(
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        token_pattern=TOKEN_PATTERN,
        max_df=0.5 if n_documents >= 20 else 1.0,
        min_df=2 if n_documents >= 50 else 1,
    )


def ctfidf_keywords(texts: list[str], labels: np.ndarray, top_n: int = 10) -> dict[int, list[str]]:
    """The top keywords of every theme label >= 0, best first, without near-duplicates."""
    themes = sorted(int(label) for label in set(labels.tolist()) if label >= 0)
    if not themes:
        return {}
    vectorizer = _vectorizer(len(texts))
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # every word was a stop word
        return {theme: [] for theme in themes}
    vocabulary = vectorizer.get_feature_names_out()
    per_theme = np.vstack([np.asarray(counts[labels == theme].sum(axis=0)).ravel() for theme in themes])
    frequencies = per_theme / np.maximum(per_theme.sum(axis=1, keepdims=True), 1)
    average_words = per_theme.sum() / len(themes)
    idf = np.log1p(average_words / np.maximum(per_theme.sum(axis=0), 1))
    weights = frequencies * idf
    # A phrase seen once is an accident of wording, not a theme's keyphrase.
    is_phrase = np.array([" " in term for term in vocabulary])
    weights[:, is_phrase] *= per_theme[:, is_phrase] >= 2
    keywords: dict[int, list[str]] = {}
    for row, theme in enumerate(themes):
        order = np.argsort(-weights[row], kind="stable")
        ranked = [vocabulary[i] for i in order[: top_n * 4] if weights[row, i] > 0]
        keywords[theme] = deduplicate_keywords(ranked)[:top_n]
    return keywords


def _stem(word: str) -> str:
    """A crude stem: enough to see that "militia" and "militias" are one keyword."""
    word = word.lower().replace("’", "'")
    for suffix in ("'s", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def deduplicate_keywords(keywords: list[str]) -> list[str]:
    """Drop a keyword that repeats a better-ranked one.

    "militias" after "militia" goes (same stems); so does "hezbollah" after
    "kataib hezbollah", and "militia fighters" after "militia": the better-ranked
    form stands for both.
    """
    chosen: list[str] = []
    chosen_stems: list[set[str]] = []
    for keyword in keywords:
        stems = {_stem(w) for w in keyword.split()}
        if any(stems <= other or other <= stems for other in chosen_stems):
            continue
        chosen.append(keyword)
        chosen_stems.append(stems)
    return chosen


def display_form(keyword: str, texts: list[str]) -> str:
    """The keyword as the articles most often write it ("Kataib Hezbollah", not "kataib hezbollah")."""
    pattern = re.compile(r"\b" + r"\W+".join(re.escape(w) for w in keyword.split()) + r"\b", re.IGNORECASE)
    forms = Counter(match.group(0) for text in texts for match in pattern.finditer(text))
    if not forms:
        return keyword
    form, _ = max(forms.items(), key=lambda item: (item[1], item[0].islower()))
    return re.sub(r"\s+", " ", form)


def make_label(keywords: list[str], texts: list[str], parts: int = 3) -> str:
    """A short label: the top keyphrases as the articles write them."""
    if not keywords:
        return "miscellaneous"
    return ", ".join(display_form(k, texts) for k in keywords[:parts])
