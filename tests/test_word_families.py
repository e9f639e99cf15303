"""One word of a family in a theme's label and keywords ("Turkey, Turkish, Turks" read as one word)."""

import numpy as np

from explorer.keyphrase_rerank import PhraseVectors
from explorer.themes import ThemeModel
from explorer.word_families import FAMILY_MIN_COSINE, WordFamilies


def _families(vectors: dict[str, np.ndarray], asked: list[list[str]] | None = None) -> WordFamilies:
    def encode(phrases: list[str]) -> np.ndarray:
        if asked is not None:
            asked.append(list(phrases))
        return np.stack([vectors[p] for p in phrases])

    return WordFamilies(PhraseVectors(encode))


def test_words_that_start_alike_are_one_family_only_where_the_model_says_they_mean_alike():
    near = np.array([1.0, 0.2, 0.0])
    same, far = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    asked: list[list[str]] = []
    families = _families(
        {"turkey": same, "turkish": near, "state": same, "statement": far, "iran": same, "iraq": same}, asked
    )
    listed = ["turkey", "turkish", "state", "statement", "iran", "iraq", "kataib hezbollah"]
    # Only words sharing four first letters are asked about: "Iran" and "Iraq" share three.
    assert families.words_to_compare([listed]) == ["state", "statement", "turkey", "turkish"]
    families.vectors.add(families.words_to_compare([listed]))
    assert asked == [["state", "statement", "turkey", "turkish"]]
    assert families.alike("turkey", "turkish") and families.alike("turkish", "turkey")
    assert not families.alike("state", "statement")  # start alike, mean otherwise
    assert not families.alike("iran", "iraq")  # mean alike, start otherwise
    assert not families.alike("turkey", "turkey")
    assert families.first_of_each(["turkey", "state", "turkish", "statement"]) == ["turkey", "state", "statement"]
    # A phrase kept elsewhere (the theme's defining phrase) stands for its family wherever it ranks.
    assert families.first_of_each(["turkey", "state"], kept=["turkish"]) == ["state"]


def test_a_word_is_compared_with_each_word_of_a_phrase_but_two_phrases_are_not():
    near, same = np.array([1.0, 0.2, 0.0]), np.array([1.0, 0.0, 0.0])
    families = _families({"search": same, "searchers": near, "engine": np.array([0.0, 0.0, 1.0])})
    assert families.words_to_compare([["search engine", "searchers", "ask jeeves"]]) == ["search", "searchers"]
    assert families.alike("searchers", "search engine") and families.alike("search engine", "searchers")
    assert not families.alike("search engine", "searchers online")  # phrases keep the lexical rules
    assert families.first_of_each(["search engine", "ask jeeves", "searchers"]) == ["search engine", "ask jeeves"]


def test_the_real_model_joins_countries_and_their_adjectives_but_not_words_that_merely_start_alike(real_embedder):
    families = WordFamilies(PhraseVectors(real_embedder.encode))
    words = ["Iraq", "Iraqi", "Iran", "state", "statement", "music", "musicians", "part", "party", "China", "Chinese"]
    families.vectors.add(families.words_to_compare([words]))
    assert families.first_of_each(words) == ["Iraq", "Iran", "state", "statement", "music", "part", "party", "China"]
    vectors = families.vectors(["Scotland", "Scottish", "share", "shareholder"])
    assert float(vectors[0] @ vectors[1]) >= FAMILY_MIN_COSINE > float(vectors[2] @ vectors[3])


TURKEY = [
    "Turkey's currency, the lira, lost value as Turkish inflation rose.",
    "The Turkish central bank said inflation in Turkey would fall next year.",
    "Turkey dropped six zeros from the lira; Turkish shoppers queued at banks.",
    "Turkish exporters welcomed the new lira as Turkey's inflation eased.",
    "Investors in Turkey watched the lira and Turkish bonds after the change.",
    "Turkey hopes the stronger lira ends decades of Turkish inflation.",
]
RUGBY = [
    "Wales beat England at rugby in Cardiff on Saturday.",
    "The rugby coach praised the Wales pack after the match.",
    "England's rugby captain was injured before the Wales match.",
    "A late try gave Wales the rugby win over England.",
    "Rugby fans in Cardiff celebrated the Wales victory.",
    "The England rugby team lost the match in Wales.",
]


def test_a_theme_about_turkey_names_turkey_once(real_embedder):
    texts = TURKEY + RUGBY
    vectors = real_embedder.encode(texts)
    articles = [f"t{i % 3}" for i in range(len(TURKEY))] + [f"r{i % 3}" for i in range(len(RUGBY))]
    model = ThemeModel(n_themes=2, random_state=0, encode=real_embedder.encode).fit(vectors, texts, articles)
    turkey = next(t for t, label in model.label_texts_.items() if "lira" in label or "Turk" in label)
    words = [k.lower() for k in model.keywords_[turkey]]
    assert sum(w.startswith("turk") for w in words) == 1, model.keyword_texts_[turkey]
    assert sum(part.lower().startswith("turk") for part in model.label_texts_[turkey].split(", ")) <= 1
    # Without the model there is no family to ask about: both spellings may stand, as stems differ.
    lexical = ThemeModel(n_themes=2, random_state=0).fit(vectors, texts, articles)
    assert any(sum(k.startswith("turk") for k in keywords) == 2 for keywords in lexical.keywords_.values())
