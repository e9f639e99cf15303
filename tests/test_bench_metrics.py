"""The themes benchmark's own scores (bench/themes_metrics.py): a wrong metric would mislead every figure."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from themes_metrics import diversity, label_retrieval  # noqa: E402

AXES = {"alpha": 0, "beta": 1}


def axis_encoder(texts: list[str]) -> np.ndarray:
    """A fake model: a label pointing along the axis of the first word it names, or between both axes."""
    rows = np.zeros((len(texts), 2))
    for i, text in enumerate(texts):
        first = text.split(", ")[0]
        if first in AXES:
            rows[i, AXES[first]] = 1.0
        else:
            rows[i] = [1.0, 1.0]
    return rows


def two_themes() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    vectors = np.vstack([[1.0, 0.0]] * 4 + [[0.0, 1.0]] * 4) + rng.normal(0, 0.05, (8, 2))
    return vectors, np.array([0, 0, 0, 0, 1, 1, 1, 1])


def test_labels_that_name_their_themes_find_them_and_swapped_labels_find_none():
    vectors, labels = two_themes()
    assert label_retrieval([["alpha", "x"], ["beta", "y"]], labels, vectors, axis_encoder) == 1.0
    assert label_retrieval([["beta"], ["alpha"]], labels, vectors, axis_encoder) == 0.0


def test_unassigned_passages_count_against_a_label_that_ranks_them_first():
    vectors, labels = two_themes()
    labels = labels.copy()
    labels[:2] = -1  # two of the "alpha" passages are in no theme
    # Theme 0 now holds rows 2-3; its label ranks all four alpha rows alike, so some of the first two are
    # unassigned ones unless the theme's rows happen to lie nearest.
    score = label_retrieval([["alpha"], ["beta"]], labels, vectors, axis_encoder)
    order = np.argsort(-(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))[:, 0], kind="stable")[:2]
    assert score == (np.isin(order, [2, 3]).mean() + 1.0) / 2


def test_topics_that_do_not_match_the_themes_give_no_score():
    vectors, labels = two_themes()
    assert math.isnan(label_retrieval([["alpha"]], labels, vectors, axis_encoder))
    assert math.isnan(label_retrieval([], np.full(8, -1), vectors, axis_encoder))


def test_only_the_first_three_keywords_make_the_label():
    vectors, labels = two_themes()
    seen: list[str] = []

    def recording(texts):
        seen.extend(texts)
        return axis_encoder(texts)

    label_retrieval([["alpha", "b", "c", "d"], ["beta"]], labels, vectors, recording)
    assert seen == ["alpha, b, c", "beta"]


def test_with_the_real_model_a_topical_label_beats_a_vague_one(real_embedder):
    """The real model reads labels as a reader would: "football, goals, striker" finds the match reports."""
    football = [
        "The striker scored twice as the home side won the cup tie 3-1.",
        "A late goal from the midfielder sealed victory in the derby.",
        "The keeper saved a penalty before the break and the league leaders held on.",
    ]
    markets = [
        "Shares fell sharply after the bank reported lower quarterly profits.",
        "The stock market rallied as investors bet on lower interest rates.",
        "Bond yields rose while the currency weakened against the dollar.",
    ]
    vectors = real_embedder.encode(football + markets)
    labels = np.array([0, 0, 0, 1, 1, 1])
    encode = real_embedder.encode
    assert (
        label_retrieval(
            [["football", "goals", "striker"], ["shares", "stock market", "profits"]], labels, vectors, encode
        )
        == 1.0
    )
    vague = label_retrieval([["news", "report", "week"], ["news", "report", "week"]], labels, vectors, encode)
    assert vague == pytest.approx(0.5)  # the same query for both themes can rank only one theme's passages first


def test_diversity_counts_repeated_keywords_once():
    assert diversity([["a", "b"], ["b", "c"]]) == 0.75
