from explorer.sentences import sentence_spans, split_sentences


def test_abbreviations_and_titles_do_not_end_sentences():
    text = "U.S. Army Gen. Ray Odierno said it. Sen. Lindsey Graham, R-S.C., also spoke."
    assert split_sentences(text) == [
        "U.S. Army Gen. Ray Odierno said it.",
        "Sen. Lindsey Graham, R-S.C., also spoke.",
    ]


def test_acronym_before_a_sentence_opener_ends_the_sentence():
    assert split_sentences("Iran sided with the U.S. It was brief.") == [
        "Iran sided with the U.S.",
        "It was brief.",
    ]


def test_glued_sentences_from_scraped_text_are_split():
    text = "the elite Quds Force.It is responsible for covert operations."
    assert split_sentences(text) == ["the elite Quds Force.", "It is responsible for covert operations."]


def test_names_and_codes_written_with_a_full_stop_are_not_glued_sentences():
    """BBC News: a lost space is split ("Division.Those guys"), a name is not ("One.Tel", "Bagle.AT")."""
    assert split_sentences("Its rivals include TalkTalk and One.Tel, which route calls via BT.") == [
        "Its rivals include TalkTalk and One.Tel, which route calls via BT."
    ]
    assert len(split_sentences("Variants such as Bagle.AT and Bagle.BB spread fast.")) == 1
    assert len(split_sentences("The fansite Halo.Bungie.Org, said it was pleased.")) == 1
    assert split_sentences("He loved Joy Division.Those guys were great.") == [
        "He loved Joy Division.",
        "Those guys were great.",
    ]
    assert len(split_sentences("It was dangerous.Steve will be there.")) == 2


def test_quoted_question_followed_by_lowercase_continues():
    text = "Our article titled “Is Iraq About to Fall to Iran?” relates how it happened."
    assert split_sentences(text) == [text]


def test_spans_cover_all_text_within_range():
    text = "  First one. Second one!  Third?  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one!", "Third?"]
    covered = "".join(text[a:b] for a, b in spans)
    assert covered.replace(" ", "") == text.replace(" ", "")


def test_closing_quote_of_the_last_sentence_stays_with_it():
    """Once cut a BBC paragraph into a passage that was a lone '"' (the end of a range counts as a break)."""
    text = 'He said: "Funds were there. "A short term saving has resulted in a long term public cost."'
    assert split_sentences(text) == [
        'He said: "Funds were there.',
        '"A short term saving has resulted in a long term public cost."',
    ]
    assert split_sentences(text + "\n") == split_sentences(text)
    assert split_sentences('He asked "Why?" Then he left.') == ['He asked "Why?"', "Then he left."]
