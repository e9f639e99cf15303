import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer.ctfidf import (
    KEYWORD_RARITY_SCALE,
    MIN_THEME_SHARE,
    Vocabulary,
    best_first,
    ctfidf_keywords,
    ctfidf_scores,
    with_companions,
)


def test_keywords_are_distinctive_per_theme_and_skip_stop_words():
    texts = [
        "The militia fighters attacked the base with rockets.",
        "Militia leaders said the militia would fight on.",
        "The election results were announced and voters celebrated.",
        "Voters queued at the election booths across the country.",
    ]
    keywords = ctfidf_keywords(texts, np.array([0, 0, 1, 1]), top_n=5)
    assert keywords[0][0].startswith("militia")
    assert keywords[1][0] in {"election", "voters"}
    for words in keywords.values():
        assert not {"the", "and", "with", "said", "would"} & {w for k in words for w in k.split()}


def test_outliers_get_no_keywords():
    keywords = ctfidf_keywords(["a text here", "another text there"], np.array([-1, 0]))
    assert set(keywords) == {0}


def test_words_in_nearly_every_article_are_the_subject_not_a_theme():
    texts = [f"Iran and topic{i} matter here" for i in range(10)]
    vocabulary = Vocabulary(texts, article_ids=[f"a{i}" for i in range(10)])
    assert "iran" not in set(vocabulary.terms)


def test_in_a_small_collection_only_a_word_in_every_article_is_the_subject():
    texts = [f"Troops and Iran matter in topic{i} here" for i in range(4)] + ["Iran matters in topic9 here"]
    terms = set(Vocabulary(texts, article_ids=[f"a{i}" for i in range(5)]).terms)
    assert "iran" not in terms  # every article
    assert "troops" in terms  # four of five: a theme's word, not the collection's subject


def test_a_word_gives_way_to_the_phrase_it_lives_in():
    texts = ["The nuclear program worried them.", "Talks on the nuclear program stalled.", "A nuclear program grew."]
    texts += ["Football results today.", "Football fans cheered.", "The football season ended."]
    keywords = ctfidf_keywords(texts, np.array([0, 0, 0, 1, 1, 1]), top_n=3)
    assert keywords[0][0] == "nuclear program"


def test_a_word_some_passages_add_in_front_is_not_part_of_the_phrase():
    """ "computer-based inventions" in three passages, two of them "to govern computer-based inventions"
    (as in BBC News): the longest phrase covers 60% of the word's passages, but not nearly all of the
    two-word phrase's."""
    texts = ["Rules to govern computer-based inventions.", "Plans to govern computer-based inventions."]
    texts += ["Patents on computer-based inventions split the EU."]
    texts += ["Football results today.", "Football fans cheered.", "The football season ended."]
    keywords = ctfidf_keywords(texts, np.array([0] * 3 + [1] * 3), top_n=3)
    assert keywords[0][0] == "computer-based inventions"
    # A phrase that holds every passage of the shorter one still wins: "Revolutionary Guard Corps".
    texts = [f"Report {n} on the Revolutionary Guard Corps." for n in range(3)] + texts[3:]
    keywords = ctfidf_keywords(texts, np.array([0] * 3 + [1] * 3), top_n=3)
    assert keywords[0][0] == "revolutionary guard corps"


@given(st.lists(st.integers(-2, 5), max_size=60), st.integers(-1, 70))
def test_best_first_is_the_head_of_a_stable_sort(values, count):
    """Ties (many here: eight distinct scores, zeros among them, as most of a theme's vocabulary is)
    keep index order, as the full stable argsort does."""
    scores = np.array(values, dtype=float)
    expected = np.argsort(-scores, kind="stable")[: max(count, 0)]
    assert best_first(scores, count).tolist() == expected.tolist()


def test_a_keyphrase_must_hold_a_share_of_a_large_theme_and_two_passages_of_a_small_one():
    """A name in 3 of a theme's 200 passages does not describe it; in 2 of 9 it may."""
    sizes = np.array([200.0, 9.0])
    needed = int(np.ceil(MIN_THEME_SHARE * 200))
    counts = np.array([[3.0, needed, 0.0], [0.0, 0.0, 2.0]])
    document_frequency = np.array([3.0, float(needed), 2.0])
    scores = ctfidf_scores(counts, sizes, document_frequency)
    assert scores[0, 0] == 0.0  # rare within its large theme
    assert scores[0, 1] > 0.0  # held by the share
    assert scores[1, 2] > 0.0  # two passages of a small theme


def test_the_keywords_rarity_is_gentler_than_the_labels():
    """A theme of 10 whose name is held by 2 of its passages (and no others) and whose common word by 6
    (and 10 elsewhere): the label's c-TF-IDF puts the name first, the keywords' puts the shared word first."""
    counts, sizes, frequency = np.array([[2.0, 6.0]]), np.array([10.0]), np.array([2.0, 16.0])
    name, word = ctfidf_scores(counts, sizes, frequency, average_size=10.0)[0]
    assert name > word
    name, word = ctfidf_scores(counts, sizes, frequency, average_size=10.0, rarity_scale=KEYWORD_RARITY_SCALE)[0]
    assert word > name


def test_a_keyword_after_the_label_keeps_company_with_the_keywords_before_it():
    held = {"band": {0, 1, 2, 3}, "album": {0, 1, 4}, "elvis": {8, 9}, "chart": {1, 2, 4}, "song": {0, 2}}

    def holding(phrase: str) -> frozenset[int]:
        return frozenset(held.get(phrase, set()))

    ordered = ["band", "album", "elvis", "chart", "song"]
    # "elvis" shares no passage with the label's "band" and "album"; "chart" and "song" share with both.
    assert with_companions(ordered, 2, holding, 4, companions=2) == ["band", "album", "chart", "song"]
    # Too few keep company: the ones passed over fill the list, in order.
    assert with_companions(ordered[:4], 2, holding, 4, companions=2) == ["band", "album", "chart", "elvis"]
    # While fewer keywords are chosen than asked for, a phrase must share a passage with all of them.
    assert with_companions(["band", "song", "album"], 1, holding, 3, companions=3) == ["band", "song", "album"]
    assert with_companions(["elvis", "band", "album"], 1, holding, 3, companions=3) == ["elvis", "band", "album"]
    assert with_companions(ordered, 5, holding, 3) == ordered[:3]  # the label itself is never reordered


def test_the_vocabulary_says_which_of_a_themes_passages_hold_a_phrase():
    texts = ["Kataib Hezbollah fired rockets.", "Rockets hit the base.", "Kataib Hezbollah denied it.", "Rain."]
    vocabulary = Vocabulary(texts)
    assert vocabulary.holding(np.array([0, 1]))("kataib hezbollah") == {0}
    assert vocabulary.holding(np.array([2, 0, 1]))("rockets") == {0, 1}
    assert vocabulary.holding(np.array([0, 1]))("no such phrase") == frozenset()
