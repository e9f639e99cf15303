"""Themes after a small corpus change, without a refit: new passages placed in the existing themes.

A theme refit costs seconds at 10k passages and minutes at 1M, while adding
or removing one article touches a handful of passages. So an edit made in the
app keeps the themes it has: each new passage joins the theme whose centre
(the mean of its members' embeddings) it is closest to, and lands on the map
among its nearest passages; removed passages simply leave. The payload is
marked ``stale`` and the app refits in the background (:meth:`Explorer.refresh_themes`),
after which the themes are exactly what a full build of the same corpus gives.

Only the app defers; ``explorer build`` always refits, so the command line
never leaves stale themes behind.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from explorer.hierarchy import UNASSIGNED
from explorer.records import Passage
from explorer.theme_features import group_sums, unit_rows

MAP_NEIGHBOURS = 5
"""Previous passages whose map positions a new passage's position is averaged from."""


def place_passages(
    payload: dict,
    previous_ids: Sequence[str],
    previous_vectors: np.ndarray,
    passages: Sequence[Passage],
    vectors: np.ndarray,
) -> dict:
    """``payload`` (themes.json of the previous build) carried over to ``passages``.

    Passages already in the previous build keep their theme and map position;
    each new one joins its nearest theme centre and sits at the mean map
    position of its :data:`MAP_NEIGHBOURS` most similar previous passages.
    """
    old_row = {passage_id: row for row, passage_id in enumerate(previous_ids)}
    old_assignments = np.asarray(payload.get("assignments", []), dtype=int)
    old_map = np.asarray(payload.get("map", []), dtype=np.float32).reshape(-1, 2)
    ids = [p.passage_id for p in passages]
    kept = [i for i, passage_id in enumerate(ids) if passage_id in old_row]
    new = [i for i, passage_id in enumerate(ids) if passage_id not in old_row]
    assignments = np.full(len(ids), UNASSIGNED, dtype=int)
    coordinates = np.zeros((len(ids), 2), dtype=np.float32)
    source = [old_row[ids[i]] for i in kept]
    if kept:
        assignments[kept] = old_assignments[source]
        coordinates[kept] = old_map[source]
    if new and len(previous_ids):
        new_vectors = np.asarray(vectors, dtype=np.float32)[new]
        assignments[new] = nearest_theme(new_vectors, previous_vectors, old_assignments)
        coordinates[new] = nearest_positions(new_vectors, previous_vectors, old_map)
    present = set(ids)
    themes = [
        {**theme, "representative_ids": [r for r in theme.get("representative_ids", []) if r in present]}
        for theme in payload.get("themes", [])
    ]
    return {
        **payload,
        "assignments": [int(x) for x in assignments],
        "map": [[round(float(x), 5), round(float(y), 5)] for x, y in coordinates],
        "themes": themes,
        "passage_ids": ids,
        "stale": True,
    }


def nearest_theme(vectors: np.ndarray, theme_vectors: np.ndarray, theme_of: np.ndarray) -> np.ndarray:
    """For each row of ``vectors``, the theme (of ``theme_of``, one per row of ``theme_vectors``) whose
    centre is most similar; unassigned rows have no centre, and no themes at all gives unassigned."""
    member = theme_of != UNASSIGNED
    if not member.any():
        return np.full(len(vectors), UNASSIGNED, dtype=int)
    themes, theme_rows = np.unique(theme_of[member], return_inverse=True)
    centres = unit_rows(group_sums(theme_vectors, np.flatnonzero(member), theme_rows, len(themes)))  # directions
    return themes[np.argmax(vectors @ centres.T, axis=1)].astype(int)


def nearest_positions(vectors: np.ndarray, previous_vectors: np.ndarray, previous_map: np.ndarray) -> np.ndarray:
    """Mean map position of each row's most similar previous passages."""
    if not len(previous_map):
        return np.zeros((len(vectors), 2), dtype=np.float32)
    k = min(MAP_NEIGHBOURS, len(previous_map))
    similarity = vectors @ np.asarray(previous_vectors, dtype=np.float32).T
    nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
    return previous_map[nearest].mean(axis=1)
