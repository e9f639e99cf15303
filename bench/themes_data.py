"""Benchmark data for themes: BBC News split into passages as the product does, embedded once.

The CSV has no ids, so each row becomes ``bbcNNNN`` and is read through the
product's own reader (:func:`explorer.corpus.read_corpus`, which also drops
the 98 exact-duplicate articles) and splitter (:func:`explorer.passages.split_articles`
with the real model's tokenizer). Embeddings take minutes on two cores, so
they are cached in ``bench/.cache/`` (gitignored), keyed by the model identity
and a hash of the passage texts: a change to either embeds again.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
BBC_CSV = REPO.parent / "shared" / "data" / "bbc_news" / "bbc_news.csv"
SCIFACT_JSONL = REPO.parent / "shared" / "data" / "scifact" / "corpus.jsonl"
CACHE = Path(__file__).resolve().parent / ".cache"


@dataclass
class Collection:
    """Passages with their texts, article ids, gold labels (for scoring only) and vectors."""

    name: str
    texts: list[str]
    article_ids: list[str]
    labels: list[str]
    vectors: np.ndarray


def _embedder():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from explorer.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


def _bbc_articles(csv_path: Path, cache: Path) -> dict[str, dict[str, str]]:
    """The BBC News rows (``category``, ``text``) by the id each gets here, "bbc0000" on: the CSV has none."""
    if not csv_path.exists():
        raise SystemExit(f"{csv_path} not found: the BBC News CSV lives in shared/data/bbc_news/")
    cache.mkdir(parents=True, exist_ok=True)
    with csv_path.open(encoding="utf-8", newline="") as source:
        return {f"bbc{number:04d}": row for number, row in enumerate(csv.DictReader(source))}


def _write_records(path: Path, records: list[dict[str, str]]) -> None:
    """A CSV collection the product's reader takes (columns from the first record)."""
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


def bbc_passages(csv_path: Path = BBC_CSV, cache: Path = CACHE) -> Collection:
    """BBC News passages and their category, embedded with the product's model (cached)."""
    articles = _bbc_articles(csv_path, cache)
    with_ids = cache / "bbc_news_with_ids.csv"
    if not with_ids.exists():
        _write_records(with_ids, [{"id": key, "text": row["text"]} for key, row in articles.items()])
    return _collection("bbc", with_ids, cache, lambda passage: articles[passage.article_id]["category"])


def bbc_short_items(csv_path: Path = BBC_CSV, cache: Path = CACHE, sentences: int = 2) -> Collection:
    """BBC News as short news items: each article's headline as the title and its first
    ``sentences`` sentences as the text, one passage each. A collection of wire-style items
    (as AG News is) instead of whole articles cut into paragraphs: a regime the themes must
    also handle with the same default settings."""
    from explorer.sentences import split_sentences

    articles = _bbc_articles(csv_path, cache)
    items = cache / f"bbc_news_first_{sentences}_sentences.csv"
    records = []
    for key, row in articles.items():
        headline, _, body = row["text"].strip().partition("\n")
        lead = " ".join(split_sentences(" ".join(body.split()))[:sentences])
        records.append({"id": key, "title": headline.strip(), "text": lead})
    _write_records(items, records)
    return _collection("bbc-short", items, cache, lambda passage: articles[passage.article_id]["category"])


def scifact_passages(jsonl_path: Path = SCIFACT_JSONL, cache: Path = CACHE) -> Collection:
    """SciFact's 5,183 abstracts as passages (label "science"): real text, none of it in BBC News, so
    that BBC + SciFact makes a collection of ~18k *distinct* passages for timing at scale. (BBC repeated
    would count each of its once-only phrases twice and grow the keyphrase vocabulary 4x, which no real
    collection of that size does.)"""
    if not jsonl_path.exists():
        raise SystemExit(f"{jsonl_path} not found: the SciFact corpus lives in shared/data/scifact/")
    cache.mkdir(parents=True, exist_ok=True)
    return _collection("scifact", jsonl_path, cache, lambda passage: "science")


def cached_vectors(embedder, texts: list[str], cache: Path, name: str) -> np.ndarray:
    """Embed ``texts`` once; later runs load the vectors from ``cache``."""
    digest = hashlib.sha256(json.dumps([embedder.model_id, texts]).encode("utf-8")).hexdigest()[:16]
    path = cache / f"{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    print(f"embedding {len(texts)} {name} passages once (cached in {path})", file=sys.stderr)
    vectors = embedder.encode(texts)
    np.save(path, vectors)
    return vectors


def seed_passages() -> Collection:
    """The seed corpus (corpus/), as the product splits it; no gold labels (the article stands in)."""
    return _collection("seed", REPO / "corpus", CACHE, lambda passage: passage.article_id)


def _collection(name: str, source: Path, cache: Path, label_of) -> Collection:
    """Read and split ``source`` as the product does, and embed its passages once (cached)."""
    from explorer.corpus import read_corpus
    from explorer.passages import split_articles

    embedder = _embedder()
    passages = split_articles(read_corpus(source).articles, embedder.count_tokens, embedder.max_tokens - 2)
    texts = [p.text for p in passages]
    return Collection(
        name=name,
        texts=texts,
        article_ids=[p.article_id for p in passages],
        labels=[label_of(p) for p in passages],
        vectors=cached_vectors(embedder, texts, cache, name),
    )
