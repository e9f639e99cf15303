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
