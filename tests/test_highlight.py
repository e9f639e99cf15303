import numpy as np

from explorer.highlight import best_span_by_words, best_spans_by_meaning


def test_word_highlight_picks_the_sentence_sharing_words():
    text = "The weather was mild. Kataib Hezbollah fired rockets at the base. Later it rained."
    start, end = best_span_by_words("who fired rockets?", text)
    assert text[start:end] == "Kataib Hezbollah fired rockets at the base."


def test_meaning_highlight_uses_sentence_vectors(real_embedder):
    texts = [
        "The talks covered budgets. Armed groups backed by Tehran attacked US troops. Weather was mild.",
        "One sentence only.",
    ]
    question = real_embedder.encode(["militia attacks on American soldiers"])[0]
    spans = best_spans_by_meaning(question, texts, real_embedder.encode)
    assert texts[0][spans[0][0] : spans[0][1]] == "Armed groups backed by Tehran attacked US troops."
    assert spans[1] == (0, len(texts[1]))
    assert isinstance(spans[0][0], int) and not np.isnan(spans[0][0])


def test_highlights_never_cross_a_line_break():
    from explorer.highlight import candidate_spans

    text = "upi continued, commenting on this:\n\nTehran gains leverage. It has cards to play."
    assert [text[a:b] for a, b in candidate_spans(text)] == [
        "upi continued, commenting on this:",
        "Tehran gains leverage.",
        "It has cards to play.",
    ]


def test_word_highlight_matches_names_whatever_their_accents():
    text = "The talks opened in Ankara. Erdoğan met the envoy there."
    start, end = best_span_by_words("what did Erdogan say", text)
    assert text[start:end] == "Erdoğan met the envoy there."


def test_a_word_or_two_is_no_highlight_while_the_passage_has_a_sentence(real_embedder):
    """A BBC story's paragraph ends in a stray "Kenyan" (the text is cut there): as a sentence of its own,
    its embedding was the closest to a question about a Kenyan runner, and "Kenyan" was the highlight."""
    from explorer.highlight import candidate_spans

    text = (
        "failed in her bid to smash compatriot Berhane Adere's world 3,000m record but still won the event in "
        "emphatic style. The Olympic 5,000m champion was inside record pace but dropped off over the final "
        "third. Britain's Jo Pavey bravely decided to go with Defar and took second in a season's best 8:41.43. "
        "Kenyan"
    )
    question = real_embedder.encode(["Kenyan runner suspended for skipping a squad preparation camp"])[0]
    ((start, end),) = best_spans_by_meaning(question, [text], real_embedder.encode)
    assert text[start:end] != "Kenyan" and len(text[start:end].split()) >= 3
    assert candidate_spans("Kenyan") == [(0, 6)]  # alone, it is all there is
