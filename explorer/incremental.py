"""What a rebuild takes from the previous index instead of computing it again: passages and vectors.

Adding one article to a 10,000-passage index must cost a small fraction of a
full build, so a rebuild redoes only what the change touched:

* **vectors** are reused for every passage whose text is unchanged (same
  model), keyed by :func:`text_key`: embedding is by far the slowest step;
* **passages** are reused for every article whose text, title, id and headline
  are unchanged, keyed by :func:`split_key`. Cutting articles costs one
  tokenizer call per paragraph, seconds per 10,000 passages, which would
  otherwise be paid on every one-article change. The key also covers the model
  window and the source of the modules that cut passages, so a new splitter or
  model re-cuts everything, and the passages are always what a fresh build
  would produce.

Everything derived from the whole corpus (BM25 statistics, themes, the map) is
computed again from the resulting passages, so a removed article leaves no
trace anywhere.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from explorer import cleaning, passages, sentences
from explorer.passages import TokenCounter, split_article
from explorer.records import Article, Passage

SPLITTER_MODULES = (passages, cleaning, sentences)
"""The code that decides where passages start and end; a change to any of it re-cuts every article."""


def text_key(model_id: str, text: str) -> str:
    """The vector cache key of a passage: the same text under the same model has the same vector."""
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()


def vector_cache(previous_passages: Sequence[Passage], previous_vectors: np.ndarray, model_id: str) -> dict:
    """Vectors of the previous build keyed by :func:`text_key` (empty when there is none)."""
    return {text_key(model_id, p.text): previous_vectors[row] for row, p in enumerate(previous_passages)}


@functools.cache
def splitter_fingerprint() -> str:
    """A hash of the source of the passage-cutting modules (read once per process)."""
    digest = hashlib.sha256()
    for module in SPLITTER_MODULES:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def split_key(article: Article, model_id: str, max_tokens: int) -> str:
    """Everything the passages of ``article`` depend on, hashed: equal keys mean equal passages."""
    digest = hashlib.sha256()
    for part in (
        splitter_fingerprint(),
        model_id,
        str(max_tokens),
        article.article_id,
        article.title,
        str(article.headline_in_text),
        article.text,
    ):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def split_reusing(
    articles: Sequence[Article],
    previous_keys: dict[str, str],
    previous_passages: Sequence[Passage],
    model_id: str,
    count_tokens: TokenCounter,
    max_tokens: int,
) -> tuple[list[Passage], dict[str, str], int]:
    """Passages of every article, in article order, cutting only articles whose key changed.

    ``previous_keys`` maps article id to the :func:`split_key` recorded by the
    previous build; ``previous_passages`` are that build's passages. Returns the
    passages, each article's key (for the next build) and how many articles were cut.
    """
    by_article: dict[str, list[Passage]] = {}
    for passage in previous_passages:
        by_article.setdefault(passage.article_id, []).append(passage)
    result: list[Passage] = []
    keys: dict[str, str] = {}
    cut = 0
    for article in articles:
        key = keys[article.article_id] = split_key(article, model_id, max_tokens)
        if previous_keys.get(article.article_id) == key:
            result.extend(by_article.get(article.article_id, []))
        else:
            result.extend(split_article(article, count_tokens, max_tokens))
            cut += 1
    return result, keys, cut
