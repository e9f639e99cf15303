"""Data for the scale benchmark: BBC passages as the base, held-out questions, noisy copies to any size.

The base is BBC News split and embedded as the product does (bench/themes_data.py,
cached). About 5% of the articles are held out: the first sentence of some of
their passages are the questions, so no question is in the index. A set of N
passages is the base followed by copies of it, each vector plus Gaussian noise
(σ per dimension) and renormalised; a copy keeps its source passage's text, for
BM25, and belongs to a copy of its source article (``<article>~<copy>``), so
related() and one-per-article still have articles to tell apart.
"""

from __future__ import annotations

import json
import re
import sys

import numpy as np

from bench.common import CACHE

WORK = CACHE / "scale"
QUESTIONS = 200
HELD_OUT_SHARE = 0.05


def first_sentence(text: str, words: int = 40) -> str:
    """A question-sized query: the first sentence of at least 6 words, at most ``words`` words."""
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if len(sentence.split()) >= 6:
            return " ".join(sentence.split()[:words])
    return " ".join(text.split()[:words])


def prepare_base(seed: int) -> dict:
    """Base passages and real question vectors, written to WORK for the children."""
    from bench.themes_data import bbc_passages
    from explorer.embed import make_embedder

    bbc = bbc_passages()
    articles = sorted(set(bbc.article_ids))
    rng = np.random.default_rng(seed)
    held = set(rng.choice(articles, int(len(articles) * HELD_OUT_SHARE), replace=False).tolist())
    base = [i for i, a in enumerate(bbc.article_ids) if a not in held]
    held_rows = [i for i, a in enumerate(bbc.article_ids) if a in held]
    questions = [first_sentence(bbc.texts[i]) for i in rng.permutation(held_rows)[:QUESTIONS]]
    embedder = make_embedder()
    print(f"embedding {len(questions)} held-out questions with {embedder.model_id}", file=sys.stderr, flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    vectors = bbc.vectors[base].astype(np.float32)
    sample = rng.choice(len(vectors), 2000, replace=False)
    similarity = vectors[sample] @ vectors.T
    similarity[np.arange(len(sample)), sample] = -1.0
    np.save(WORK / "base.npy", vectors)
    np.save(WORK / "questions.npy", np.asarray(embedder.encode(questions), dtype=np.float32))
    meta = {
        "texts": [bbc.texts[i] for i in base],
        "article_ids": [bbc.article_ids[i] for i in base],
        "questions": questions,
        "model": embedder.model_id,
        "held_out_articles": len(held),
        "nearest_real_cosine": float(np.median(similarity.max(axis=1))),
        "articles": len(articles),
    }
    (WORK / "base.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


def synthetic(size: int, sigma: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``size`` unit vectors: the base, then noisy copies of it (row i copies base row i % len(base))."""
    base = np.load(WORK / "base.npy")
    rng = np.random.default_rng(seed)
    source = np.arange(size) % len(base)
    vectors = np.empty((size, base.shape[1]), dtype=np.float32)
    for start in range(0, size, 100_000):
        stop = min(size, start + 100_000)
        noise = rng.normal(scale=sigma, size=(stop - start, base.shape[1])).astype(np.float32)
        vectors[start:stop] = base[source[start:stop]] + noise
    real = min(size, len(base))
    vectors[:real] = base[:real]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors, source


def passages_for(source: np.ndarray, meta: dict) -> list:
    """A passage per row: the source passage's text, in copy ``c`` of its article (``<article>~c``)."""
    from explorer.records import Passage

    texts, articles = meta["texts"], meta["article_ids"]
    sequence, counts = [], {}
    for article in articles:
        counts[article] = counts.get(article, -1) + 1
        sequence.append(counts[article])
    passages = []
    for row, j in enumerate(source.tolist()):
        copy = row // len(texts)
        article = articles[j] if copy == 0 else f"{articles[j]}~{copy}"
        text = texts[j]
        passages.append(Passage(f"{article}:{sequence[j]:03d}", article, article, text, 0, len(text)))
    return passages
