from explorer.corpus import read_corpus
from explorer.passages import MIN_WORDS, passage_id, split_article
from explorer.records import Article

from .conftest import CORPUS


def article(text: str, article_id: str = "a1", title: str = "Title") -> Article:
    return Article(article_id, title, text, headline_in_text=True)


def test_offsets_point_at_passage_text_on_the_seed_corpus(real_embedder):
    for doc in read_corpus(CORPUS).articles:
        passages = split_article(doc, real_embedder.count_tokens, real_embedder.max_tokens - 2)
        assert passages
        for p in passages:
            assert doc.text[p.start : p.end] == p.text
            assert real_embedder.count_tokens(p.text) <= real_embedder.max_tokens - 2


def test_ids_are_stable_and_unique():
    text = "Title\n\n" + "\n\n".join(
        f"Paragraph {i} has enough words to stand alone as a passage here." for i in range(5)
    )
    first = split_article(article(text))
    second = split_article(article(text))
    assert [p.passage_id for p in first] == [p.passage_id for p in second]
    assert len({p.passage_id for p in first}) == len(first)
    assert first[0].passage_id == passage_id("a1", 0) == "a1:000"


def test_long_paragraph_is_split_at_sentence_boundaries():
    sentence = "The militia leaders met the commander in Baghdad to plan the next phase of the campaign."
    text = "Title\n\n" + " ".join([sentence] * 12)
    passages = split_article(article(text), max_tokens=60)
    assert len(passages) > 1
    assert all(p.text.endswith(".") and len(p.text.split()) <= 60 for p in passages)
    assert sum(p.text.count(sentence) for p in passages) == 12


def test_short_lead_in_line_joins_the_next_paragraph():
    text = (
        "Title\n\nStratfor reported February 20:\n\n"
        "These moves are designed to signal dominance over Baghdad and warn the United States of consequences.\n"
    )
    passages = split_article(article(text))
    assert len(passages) == 1
    assert passages[0].text.startswith("Stratfor reported February 20:")


def test_short_line_is_merged_into_previous_paragraph():
    text = (
        "Title\n\nIran succeeded in putting pressure on Baghdad, with the prime minister indicating a desire "
        "to align politically with Iran.\n\nThe motives would be similar.\n"
    )
    passages = split_article(article(text))
    assert len(passages) == 1
    assert passages[0].text.endswith("similar.")
    assert len(["The", "motives", "would", "be", "similar."]) < MIN_WORDS


def test_no_passage_is_punctuation_alone():
    """A stray "." line after a paragraph too long to grow (BBC News has one) joins it anyway, and a
    paragraph cut to the window keeps its closing quote: no passage is a lone "." or '"'."""
    long_paragraph = " ".join(["The harbour reopened after the storm and the boats went out again."] * 20)
    quoted = 'He said: "' + " ".join(["The repairs took a week and cost a great deal of money."] * 10) + '"'
    passages = split_article(article(f"Title\n\n{long_paragraph}\n\n.\n\n{quoted}\n"), max_tokens=60)
    assert all(any(c.isalnum() for c in p.text) for p in passages)
    assert passages[-1].text.endswith('money."')
    assert "".join(p.text for p in passages).count(".") == long_paragraph.count(".") + 1 + quoted.count(".")


def test_seed_articles_lose_furniture_and_pull_quotes():
    docs = {d.article_id: d for d in read_corpus(CORPUS).articles}
    texts = [p.text for d in docs.values() for p in split_article(d)]
    joined = "\n".join(texts)
    assert "Print Friendly" not in joined
    assert "Join the conversation" not in joined
    assert "Getty Images" not in joined
    assert "Source »" not in joined
    quote = "Iran has already been providing weapons and training to Shiite and Kurdish militias"
    assert joined.count(quote) == 1
