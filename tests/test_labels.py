import numpy as np

from explorer.labels import ctfidf_keywords, deduplicate_keywords, display_form, make_label


def test_keywords_are_distinctive_per_theme_and_skip_stop_words():
    texts = [
        "The militia fighters attacked the base with rockets.",
        "Militia leaders said the militia would fight on.",
        "The election results were announced and voters celebrated.",
        "Voters queued at the election booths across the country.",
    ]
    keywords = ctfidf_keywords(texts, np.array([0, 0, 1, 1]), top_n=5)
    assert keywords[0][0] == "militia"
    assert keywords[1][0] in {"election", "voters"}
    for words in keywords.values():
        assert not {"the", "and", "with", "said"} & set(words)


def test_outliers_get_no_keywords():
    keywords = ctfidf_keywords(["a text here", "another text there"], np.array([-1, 0]))
    assert set(keywords) == {0}


def test_near_duplicate_keywords_are_dropped():
    assert deduplicate_keywords(["militia", "militias", "kataib hezbollah", "hezbollah", "badr"]) == [
        "militia",
        "kataib hezbollah",
        "badr",
    ]
    assert deduplicate_keywords(["forces", "us forces", "us"]) == ["forces", "us"]


def test_labels_use_the_articles_spelling():
    texts = ["Kataib Hezbollah fired rockets.", "Officials blamed Kataib Hezbollah again."]
    assert display_form("kataib hezbollah", texts) == "Kataib Hezbollah"
    assert make_label(["kataib hezbollah", "rockets"], texts) == "Kataib Hezbollah, rockets"
    assert make_label([], texts) == "miscellaneous"
