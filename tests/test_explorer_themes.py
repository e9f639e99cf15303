"""The theme side of the facade and the `themes` command, on the real seed index (all-MiniLM-L6-v2)."""

import json

import numpy as np
import pytest

from explorer.cli import main
from explorer.errors import ExplorerError

MILITIA_WORDS = ("militia", "militant", "hashd", "kataib", "proxy", "paramilitary", "insurgent")


def test_seed_themes_are_readable_and_recur_across_articles(seed_explorer):
    themes = [t for t in seed_explorer.themes() if t.theme_id >= 0]
    assert 5 <= len(themes) <= 15
    for theme in themes:
        words = {w for k in theme.keywords for w in k.lower().split()}
        assert not {"the", "and", "of", "said", "us"} & words
        assert not {"iran", "iraq", "iranian", "iraqi"} & {k.lower() for k in theme.keywords}  # the corpus's subject
        parts = theme.label.split(", ")
        assert 1 <= len(parts) <= 4 and len(set(parts)) == len(parts)
    # Most themes are carried by more than one article: they recur, they are not article summaries.
    assert np.mean([len(t.article_ids) >= 2 for t in themes]) >= 0.75
    militia = [t for t in themes if any(m in " ".join(t.keywords).lower() for m in MILITIA_WORDS)]
    assert any(len(t.article_ids) >= 3 for t in militia)


GENERIC_WORDS = {"source", "desire", "involved", "central", "provide", "support", "activities"}


def test_seed_labels_name_what_themes_are_about_not_generic_words(seed_explorer):
    """Keyphrases are reranked by the model's sense of each theme: words that only won c-TF-IDF on a
    small corpus stay out of labels, and the militias, recurring across articles, are named."""
    themes = [t for t in seed_explorer.themes() if t.theme_id >= 0]
    for theme in themes:
        words = {w.lower() for part in theme.label.split(", ") for w in part.split()}
        assert not GENERIC_WORDS & words, theme.label
        assert 2 <= len(theme.label.split(", ")) <= 4 or len(theme.keywords) < 2
    named = [t for t in themes if any(m in t.label.lower() for m in MILITIA_WORDS)]
    assert any(len(t.article_ids) >= 3 for t in named)


def test_a_seed_theme_about_the_us_role_is_labelled_with_the_united_states(seed_explorer):
    """The theme holding most passages about the U.S. role in Iraq is named for it: "United States" is in
    most of its passages, though the model places its centroid nearer "Tehran"."""
    themes = [t for t in seed_explorer.themes() if t.theme_id >= 0]
    american = [t for t in themes if t.label.split(", ")[0] in ("United States", "U.S.", "US")]
    assert american and len(american[0].article_ids) >= 3
    texts = [p.text for p in american[0].passages]
    mentions = ("United States", "U.S.", "US ", "American", "Washington")
    assert np.mean([any(m in text for m in mentions) for text in texts]) >= 0.75


def test_coarser_themes_merge_finer_ones(seed_explorer):
    finest = seed_explorer.theme_count()
    fine = seed_explorer.passage_themes()
    coarse = seed_explorer.passage_themes(3)
    assert len(set(coarse[coarse >= 0].tolist())) == 3
    for theme in set(fine[fine >= 0].tolist()):
        assert len(set(coarse[fine == theme].tolist())) == 1
    themes = seed_explorer.themes(3)
    assert [t.theme_id for t in themes if t.theme_id >= 0] == [0, 1, 2]
    for theme in themes:
        rows = [i for i, p in enumerate(seed_explorer.passages()) if p in theme.passages]
        assert set(coarse[rows].tolist()) == {theme.theme_id}
    assert seed_explorer.themes(finest) == seed_explorer.themes()
    assert len(seed_explorer.theme_hierarchy()) == finest - 1


def test_theme_article_matrix_counts_every_passage(seed_explorer):
    matrix = seed_explorer.theme_article_matrix()
    assert matrix.counts.sum() == len(seed_explorer.passages())
    assert matrix.counts.shape == (len(seed_explorer.themes()), len(seed_explorer.articles()))
    assert np.allclose(matrix.shares.sum(axis=0), 1.0)


def test_map_has_a_point_per_passage_and_themes_sit_apart(seed_explorer):
    points = seed_explorer.passage_map()
    themes = seed_explorer.passage_themes()
    assert points.shape == (len(seed_explorer.passages()), 2) and np.isfinite(points).all()
    centres = np.array([points[themes == t].mean(axis=0) for t in set(themes[themes >= 0].tolist())])
    spread = np.mean(
        [
            np.linalg.norm(points[themes == t] - points[themes == t].mean(axis=0), axis=1).mean()
            for t in set(themes[themes >= 0].tolist())
        ]
    )
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)[np.triu_indices(len(centres), 1)]
    assert np.median(gaps) > spread  # passages of a theme are closer to each other than themes are


def test_bad_theme_counts_get_one_clear_message(seed_explorer):
    for bad in (0, -2, "3"):
        with pytest.raises(ExplorerError, match="number of themes"):
            seed_explorer.themes(bad)


def test_themes_command_takes_a_number_of_themes(seed_index_dir, capsys):
    assert main(["themes", "--index", str(seed_index_dir), "--n-themes", "2", "--json"]) == 0
    themes = json.loads(capsys.readouterr().out)
    assert len([t for t in themes if t["theme_id"] >= 0]) == 2
    for theme in themes:
        assert set(theme) >= {"theme_id", "label", "keywords", "size", "article_ids", "passages"}
    assert main(["themes", "--index", str(seed_index_dir), "--n-themes", "0"]) == 2
    assert "number of themes" in capsys.readouterr().err
