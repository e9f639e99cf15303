"""Themes after one edit: new passages placed in the existing themes, then refitted to what a fresh build gives."""

import numpy as np

import explorer.theme_features as theme_features
from explorer import store
from explorer.explorer import PLACE
from explorer.records import Passage
from explorer.theme_features import group_sums
from explorer.theme_placement import nearest_positions, nearest_theme, place_passages

from .conftest import write_articles

TEA = (
    "Tea\n\nGreen tea leaves are steamed and dried soon after the harvest to keep their fresh colour "
    "and taste for the long months of storage.\n"
)


def _passage(passage_id: str) -> Passage:
    return Passage(passage_id, passage_id.split(":")[0], "title", "some text", 0, 9)


def test_a_new_passage_joins_the_theme_whose_centre_is_nearest():
    previous = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [0.7, 0.7]], dtype=np.float32)
    previous /= np.linalg.norm(previous, axis=1, keepdims=True)
    themes = np.array([0, 0, 1, 1, -1])
    new = np.array([[0.2, 1.0], [1.0, 0.05]], dtype=np.float32)
    assert nearest_theme(new, previous, themes).tolist() == [1, 0]
    assert nearest_theme(new, previous, np.full(5, -1)).tolist() == [-1, -1]


def test_group_sums_add_every_member_row_once_across_slices(monkeypatch):
    """Summed a slice of rows at a time (no copy of the whole matrix), and the same as adding row by row."""
    monkeypatch.setattr(theme_features, "ROWS_PER_STEP", 7)  # slices that cut through themes
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((50, 4)).astype(np.float32)
    theme_of = rng.integers(-1, 3, 50)
    rows = np.flatnonzero(theme_of >= 0)
    expected = np.zeros((3, 4))
    np.add.at(expected, theme_of[rows], vectors[rows].astype(np.float64))
    np.testing.assert_allclose(group_sums(vectors, rows, theme_of[rows], 3), expected, rtol=1e-12)
    centres = expected / np.linalg.norm(expected, axis=1, keepdims=True)
    assert nearest_theme(vectors, vectors, theme_of).tolist() == np.argmax(vectors @ centres.T, axis=1).tolist()


def test_a_new_passage_lands_among_its_nearest_passages_on_the_map():
    previous = np.eye(3, dtype=np.float32)
    positions = np.array([[0, 0], [10, 10], [20, 0]], dtype=np.float32)
    placed = nearest_positions(np.array([[0.0, 1.0, 0.0]], dtype=np.float32), previous, positions)
    assert placed.shape == (1, 2) and np.isfinite(placed).all()


def test_kept_passages_keep_their_theme_and_place_and_removed_ones_leave():
    payload = {
        "assignments": [0, 1, 1],
        "map": [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]],
        "themes": [
            {"theme_id": 0, "label": "a", "keywords": ["a"], "representative_ids": ["x:000"]},
            {"theme_id": 1, "label": "b", "keywords": ["b"], "representative_ids": ["y:000", "y:001"]},
        ],
        "passage_ids": ["x:000", "y:000", "y:001"],
    }
    vectors = np.array([[1, 0], [0, 1], [0.1, 1]], dtype=np.float32)
    passages = [_passage("y:001"), _passage("z:000")]
    placed = place_passages(payload, payload["passage_ids"], vectors, passages, np.array([[0, 1], [1, 0.1]]))
    assert placed["passage_ids"] == ["y:001", "z:000"]
    assert placed["assignments"] == [1, 0]
    assert placed["map"][0] == [2.0, 2.0]
    assert placed["stale"] is True
    assert placed["themes"][0]["representative_ids"] == []  # x:000 is gone
    assert placed["themes"][1]["representative_ids"] == ["y:001"]


def test_an_edit_with_placed_themes_is_searchable_and_a_refresh_gives_the_fresh_build(
    fake_explorer, small_corpus, tmp_path
):
    explorer = fake_explorer()
    explorer.build()
    before = explorer.index.themes
    _, report = explorer.add_document("tea.txt", TEA.encode(), themes=PLACE)
    assert report.embedded == 1
    assert explorer.themes_stale()
    assert "tea" in {hit.passage.article_id for hit in explorer.ask("green tea leaves harvest", k=3)}
    placed = explorer.index.themes
    rows = {pid: row for row, pid in enumerate(placed["passage_ids"])}
    # Passages that were there keep their theme; the new one is in a theme unless there are none.
    for row, pid in enumerate(before["passage_ids"]):
        assert placed["assignments"][rows[pid]] == before["assignments"][row]
    tea_rows = [row for pid, row in rows.items() if pid.startswith("tea:")]
    assert all(placed["assignments"][row] >= 0 for row in tea_rows) or not before["themes"]
    assert len({t.theme_id for t in explorer.themes()}) >= 1

    assert explorer.refresh_themes() is True
    assert not explorer.themes_stale()
    assert explorer.refresh_themes() is False  # nothing left to do
    fresh = fake_explorer(explorer.embedder, index_dir=tmp_path / "fresh-index")
    fresh.build()
    generation = explorer.index_dir / store.read_manifest(explorer.index_dir)["generation"]
    fresh_generation = fresh.index_dir / store.read_manifest(fresh.index_dir)["generation"]
    assert (generation / store.THEMES).read_bytes() == (fresh_generation / store.THEMES).read_bytes()
    assert [p.passage_id for p in explorer.passages()] == [p.passage_id for p in fresh.passages()]


def test_removing_with_placed_themes_drops_the_article_from_the_themes(fake_explorer, small_corpus):
    write_articles(small_corpus, {"tea.txt": TEA})
    explorer = fake_explorer()
    explorer.build()
    explorer.remove_document("tea", themes=PLACE)
    assert explorer.themes_stale()
    assert all(p.article_id != "tea" for theme in explorer.themes() for p in theme.passages)
    assert len(explorer.index.themes["assignments"]) == len(explorer.passages())
    assert len(explorer.passage_map()) == len(explorer.passages())


def test_themes_that_do_not_match_the_passages_are_refitted_instead_of_placed(fake_explorer, small_corpus):
    import json

    explorer = fake_explorer()
    explorer.build()
    generation = explorer.index_dir / store.read_manifest(explorer.index_dir)["generation"]
    payload = json.loads((generation / store.THEMES).read_text())
    payload["assignments"] = payload["assignments"][:-1]  # themes.json of another passage list
    manifest = store.read_manifest(explorer.index_dir)
    store.write_index(
        explorer.index_dir,
        manifest,
        explorer.index.passages,
        explorer.index.vectors,
        payload,
        lexical=explorer.index.lexical,
        faiss_index=explorer.index.faiss_index,
    )
    explorer.reload()
    explorer.add_document("tea.txt", TEA.encode(), themes=PLACE)
    assert not explorer.themes_stale()  # refitted, not placed
    assert len(explorer.index.themes["assignments"]) == len(explorer.passages())


def test_unassigned_rows_join_the_theme_whose_centre_is_nearest():
    from explorer.theme_payload import outliers_to_nearest

    vectors = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.9, 0.1], [0.2, 0.8, 0], [0.7, 0, 0.3]])
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assignments = np.array([0, 0, 1, 1, -1, -1])
    assert outliers_to_nearest(assignments, vectors).tolist() == [0, 0, 1, 1, 1, 0]
    assert assignments.tolist() == [0, 0, 1, 1, -1, -1]  # the caller's array is left alone
    nothing_themed = np.array([-1, -1, -1, -1, -1, -1])
    assert outliers_to_nearest(nothing_themed, vectors).tolist() == nothing_themed.tolist()
