"""themes.json: what a fitted :class:`~explorer.themes.ThemeModel` leaves in the index, and reading it back.

Kept apart from the model so that answering ``explorer themes`` (or drawing the
app's Themes page) reads the stored themes without importing the fitting code
and scikit-learn. The format is documented in docs/INDEX_FORMAT.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from explorer.hierarchy import UNASSIGNED, ThemeTree, cut_tree
from explorer.records import Passage, Theme

if TYPE_CHECKING:
    from explorer.themes import ThemeModel

PAYLOAD_VERSION = 2
REPRESENTATIVES = 3


def themes_payload(model: ThemeModel, passages: Sequence[Passage]) -> dict:
    """What themes.json holds: per-passage leaf theme, 2D map, theme labels and the hierarchy."""
    ids = [p.passage_id for p in passages]
    k = model.tree_.n_leaves
    return {
        "version": PAYLOAD_VERSION,
        "assignments": [int(x) for x in model.labels_],
        "map": [[round(float(x), 5), round(float(y), 5)] for x, y in model.coordinates_],
        "themes": [
            {
                "theme_id": theme,
                "label": model.label_texts_[theme],
                "keywords": model.keyword_texts_[theme],
                "representative_ids": [ids[row] for row in model.representatives_[theme]],
            }
            for theme in sorted(model.keywords_)
        ],
        "hierarchy": [
            {
                "node_id": k + step,
                "children": [int(a), int(b)],
                "label": model.node_labels_[k + step],
                "keywords": model.node_keyword_texts_[k + step],
            }
            for step, (a, b) in enumerate(model.merges_)
        ],
        "leaf_count": k,
        "settings": {
            "min_theme_size": int(model.min_theme_size_),
            "assign_outliers": bool(model.assign_outliers),
            "article_centring": round(float(model.centring_weight_), 4),
            "random_state": int(model.random_state),
        },
        "passage_ids": ids,
    }


def theme_count(payload: dict) -> int:
    """Themes at the finest level stored (what :func:`themes_from_payload` shows by default)."""
    return len(payload.get("themes", []))


def assignments_at(payload: dict, n_themes: int | None = None) -> tuple[np.ndarray, dict[int, dict]]:
    """Theme per passage row for ``n_themes`` themes (coarser levels merge finer ones) and each theme's
    description ({label, keywords, representative_ids, node_id}); themes numbered largest first."""
    leaves = np.array(payload.get("assignments", []), dtype=int)
    described = {int(t["theme_id"]): t for t in payload.get("themes", [])}
    nodes = {int(t["theme_id"]): t for t in payload.get("themes", [])}
    nodes.update({int(h["node_id"]): h for h in payload.get("hierarchy", [])})
    leaf_count = int(payload.get("leaf_count", len(described)))
    merges = [tuple(h["children"]) for h in payload.get("hierarchy", [])]
    if n_themes is None or n_themes >= len(described) or not merges:
        node_of_leaf = np.arange(max(leaf_count, 1))
    else:
        tree = ThemeTree(leaves, merges, [0.0] * len(merges))
        # Leaves that never got members (all unassigned) still sit in the tree; count only live ones.
        target = n_themes + (leaf_count - len(described))
        node_of_leaf, _ = cut_tree(tree, max(target, 1))
    rows_node = np.where(leaves >= 0, node_of_leaf[np.maximum(leaves, 0)], UNASSIGNED)
    # One pass over the passages (a million at scale), not one per theme.
    live, first, sizes = np.unique(rows_node[rows_node >= 0], return_index=True, return_counts=True)
    ordered = [int(live[i]) for i in np.lexsort((first, -sizes))]
    number = np.full(int(live.max()) + 1 if len(live) else 1, UNASSIGNED, dtype=int)
    number[ordered] = np.arange(len(ordered))
    assignments = np.where(rows_node >= 0, number[np.maximum(rows_node, 0)], UNASSIGNED)
    info = {}
    for node in ordered:
        description = dict(nodes.get(node, {"label": "miscellaneous", "keywords": []}))
        description["node_id"] = node
        info[int(number[node])] = description
    return assignments, info


def outliers_to_nearest(assignments: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """``assignments`` with every unassigned passage in the theme whose centre (the mean of its
    members' embeddings) is most similar: the stored themes with no "unassigned" group, without a refit.

    ``ThemeModel(assign_outliers=True)`` does the same in its own feature space at fit time; the
    embeddings are what the index keeps, and what places new passages after an edit in the app.
    """
    from explorer.theme_placement import nearest_theme

    loose = np.flatnonzero(assignments == UNASSIGNED)
    if not len(loose) or not np.any(assignments >= 0):
        return assignments
    placed = assignments.copy()
    placed[loose] = nearest_theme(np.asarray(vectors)[loose], np.asarray(vectors), assignments)
    return placed


def themes_from_payload(
    payload: dict,
    passages: Sequence[Passage],
    vectors: np.ndarray | None = None,
    n_themes: int | None = None,
    assign_outliers: bool = False,
) -> list[Theme]:
    """Rebuild :class:`Theme` objects (largest first, unassigned last), at ``n_themes`` if given;
    with ``assign_outliers`` (and ``vectors``), unassigned passages join their nearest theme."""
    assignments, info = view_assignments(payload, len(passages), vectors, n_themes, assign_outliers)
    return themes_from_assignments(assignments, info, passages, vectors)


def view_assignments(
    payload: dict,
    passage_count: int,
    vectors: np.ndarray | None = None,
    n_themes: int | None = None,
    assign_outliers: bool = False,
) -> tuple[np.ndarray, dict[int, dict]]:
    """:func:`assignments_at` for one view of the themes: with ``assign_outliers`` (and ``vectors``),
    unassigned passages join their nearest theme."""
    if "assignments" not in payload:
        payload = {"assignments": [UNASSIGNED] * passage_count}
    assignments, info = assignments_at(payload, n_themes)
    if assign_outliers and vectors is not None and len(assignments) == passage_count:
        assignments = outliers_to_nearest(assignments, vectors)
    return assignments, info


def themes_from_assignments(
    assignments: np.ndarray, info: dict[int, dict], passages: Sequence[Passage], vectors: np.ndarray | None = None
) -> list[Theme]:
    """The :class:`Theme` objects of one view (:func:`view_assignments`): largest first, unassigned last."""
    # Rows grouped by theme with one stable sort (each theme's rows stay in passage order), and
    # articles as integer codes: at a million passages, one scan per theme cost seconds per view.
    order = np.argsort(assignments, kind="stable")
    grouped = assignments[order]
    rows = np.empty(len(passages), dtype=object)
    rows[:] = passages
    article_ids = [p.article_id for p in passages]
    article_of_code = np.array(list(dict.fromkeys(article_ids)), dtype=object)
    code_of = {article: code for code, article in enumerate(article_of_code)}
    article_code = np.fromiter(map(code_of.__getitem__, article_ids), int, len(article_ids))
    themes: list[Theme] = []
    for theme_id in [*sorted(info), UNASSIGNED]:
        members = order[np.searchsorted(grouped, theme_id) : np.searchsorted(grouped, theme_id, side="right")]
        if theme_id == UNASSIGNED and not len(members):
            continue
        description = info.get(theme_id, {"label": "unassigned", "keywords": []})
        representatives = description.get("representative_ids") or _representatives(members, vectors, passages)
        themes.append(
            Theme(
                theme_id=int(theme_id),
                label=description["label"],
                keywords=list(description["keywords"]),
                passages=rows[members].tolist(),
                article_ids=sorted(article_of_code[np.unique(article_code[members])].tolist()),
                representative_ids=list(representatives),
            )
        )
    return themes


def _representatives(members: np.ndarray, vectors: np.ndarray | None, passages: Sequence[Passage]) -> list[str]:
    """For merged themes: the passages closest to the theme's centre in embedding space."""
    if vectors is None or not len(members):
        return [passages[i].passage_id for i in members[:REPRESENTATIVES]]
    member_vectors = vectors[members]
    scores = member_vectors @ member_vectors.mean(axis=0)
    best = members[np.argsort(-scores, kind="stable")[:REPRESENTATIVES]]
    return [passages[i].passage_id for i in best]
