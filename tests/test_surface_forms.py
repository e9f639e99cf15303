from explorer.labels import make_label
from explorer.surface_forms import name_of, surface_forms


def test_a_name_is_capitalised_by_how_sentences_write_it_inside_not_at_their_start():
    """BBC News: "Brown" (Mr Brown, Gordon Brown) read "brown" beside one "brown envelope", as every
    capital counted as a doubtful sentence start. Now sentence starts do not vote, nor does a word's
    capital inside a longer name ("Federal Reserve", "World Bank"), unless it is never written otherwise."""
    texts = [
        "Mr Brown said the budget was sound. Chancellor Gordon Brown agreed.",
        "Brown left early. Critics said Brown was wrong, and a brown envelope arrived.",
        "The Federal Reserve raised rates; federal spending and federal debt grew.",
        "The World Bank and the Bank of England lent money, and a bank failed.",
        "Militias fired. Officials blamed militias.",
    ]
    forms = surface_forms(["brown", "federal", "bank", "militias"], texts)
    assert forms == {"brown": "Brown", "federal": "federal", "bank": "bank", "militias": "militias"}
    # A word only ever written inside a name keeps its capital.
    assert surface_forms(["reserve"], texts) == {"reserve": "Reserve"}
    # A title-case headline quoted inside a sentence is a name too (the seed corpus showed "Fall").
    headline = ["A column titled “Is Iraq About to Fall to Iran?” ran.", "He said Iraq would fall to Iran."]
    assert surface_forms(["fall"], headline) == {"fall": "fall"}


def test_a_name_gets_back_the_capitalised_stop_word_it_starts_with():
    """ "New" and "Three" are stop words, so the keyphrases are "zealand" and "gorges dam"; the label shows
    "New Zealand" and "Three Gorges Dam" (BBC News). Titles ("Mr") and joining words ("And") start no name,
    and a stop word that opens the sentence says nothing."""
    texts = [
        "Wales beat New Zealand. They play New Zealand again in June.",
        "New Zealand won the first test.",
        "Work on the Three Gorges Dam went on; the Three Gorges Dam is vast.",
        "Officials said Mr Brown spoke. Mr Brown left.",
        "The film 24 Hour Party People And Witness was shown; Witness won.",
    ]
    forms = surface_forms(["zealand", "gorges dam", "brown", "witness"], texts)
    assert forms == {"zealand": "New Zealand", "gorges dam": "Three Gorges Dam", "brown": "Brown", "witness": "Witness"}
    assert make_label(["zealand", "gorges dam"], texts) == "New Zealand, Three Gorges Dam"
    # A number that opens a name too: "50 Cent" (the keyphrase is "cent"), not "£50 Cent" or "1,50 Cent".
    rapper = ["The rapper 50 Cent sold records.", "Fans of 50 Cent queued.", "A 50 Cent album, priced at £50 Cent."]
    assert surface_forms(["cent"], rapper) == {"cent": "50 Cent"}
    assert surface_forms(["cent"], ["It cost £50 Cent.", "Shops charged 1,50 Cent."]) == {"cent": "Cent"}
    # Only most occurrences make the name: one "New" before "Zealand" of three is not enough.
    mixed = ["New Zealand won.", "Fans in Zealand cheered.", "Zealand is an island; a New Zealand side toured."]
    assert surface_forms(["zealand"], mixed) == {"zealand": "Zealand"}


def test_a_name_is_shown_without_the_word_one_paper_puts_before_it():
    assert name_of("boss jose mourinho", "boss Jose Mourinho") == ("jose mourinho", "Jose Mourinho")
    assert name_of("secretary charles clarke", "secretary Charles Clarke") == ("charles clarke", "Charles Clarke")
    assert name_of("leader abu al-muhandis", "leader Abu al-Muhandis") == ("abu al-muhandis", "Abu al-Muhandis")
    for kept in ("destabilizing Iraq", "Chelsea boss", "Kataib Hezbollah", "armed forces", "al-Muhandis", "iPod"):
        assert name_of(kept.lower(), kept) == (kept.lower(), kept)
