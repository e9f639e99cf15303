from hypothesis import given
from hypothesis import strategies as st

from explorer.keyphrases import (
    MAX_PHRASE_WORDS,
    WORD_OR_BREAK,
    counted_form,
    keyphrases,
    phrases_with_spans,
    without_links,
)
from explorer.labels import make_label


def test_phrases_are_words_that_stand_together():
    phrases = keyphrases("Influence in Iraq grew. Baghdad, Iraqi officials met Kataib Hezbollah; US forces left.")
    assert "kataib hezbollah" in phrases and "u.s. forces" in phrases
    assert "influence iraq" not in phrases  # a stop word stood between them
    assert "baghdad iraqi" not in phrases  # a comma stood between them
    assert "us" not in phrases and "in" not in phrases


def test_a_unit_glued_to_a_number_is_not_a_keyphrase():
    """BBC business news writes "£1.2bn" and "£7m": "bn" was a keyword of two themes, where it told a
    reader nothing and, as no passage holds the word "bn", it never shared a passage with another keyword."""
    phrases = keyphrases("Profits rose to £1.2bn in the 5th year, a 20th-century record; G8 talks on mp3 sales")
    assert not {"bn", "th", "th-century"} & set(phrases)
    assert {"profits", "century", "g8 talks", "mp3 sales"} <= set(phrases)


def test_web_and_mail_addresses_give_no_keyphrases():
    """Abstracts and articles cite sites ("http://www.yeastract.com"): a SciFact theme was labelled
    "genome, http". The address is masked in place, so offsets into the text still hold."""
    text = (
        "Data at http://www.lmmd.org/online_services/metaadedb/ and www.yeastract.com (mail a.b@x-y.org) on yeast genes"
    )
    phrases = keyphrases(text)
    assert not {"http", "www", "org", "lmmd", "yeastract", "com", "mail a.b", "x-y"} & set(phrases)
    assert {"data", "yeast genes", "mail"} <= set(phrases)
    assert "data yeast" not in phrases and "mail yeast" not in phrases  # an address breaks a phrase
    masked = without_links(text)
    assert len(masked) == len(text) and masked.endswith("on yeast genes") and "http" not in masked
    assert without_links("No address here.") == "No address here."
    label = make_label(["yeast genes", "data"], [text, text.replace("yeast", "Yeast")])
    assert "http" not in label.lower() and "yeast genes" in label.lower()


def _reference_keyphrases(text: str) -> list[str]:
    """The first, list-based version of :func:`keyphrases`, kept to check the faster one against."""
    out: list[str] = []
    run: list[str] = []
    for token in WORD_OR_BREAK.findall(without_links(text)):
        word, possessive, particle = counted_form(token) if token[0].isalpha() else ("", 0, False)
        if not word or word in run:
            run = [word] if word else []
        else:
            run.append(word)
            if len(run) > MAX_PHRASE_WORDS:
                run.pop(0)
        if word and not particle:  # a name particle ends no phrase
            out.extend(" ".join(run[-size:]) for size in range(1, len(run) + 1))
        if possessive:
            run = []
    return out


_WORDS = ["Iraq's", "militia", "militias", "the", "US", "forces", "U.S.", "Kataib", "Hezbollah", "of", "rise", "a"]
_WORDS += ["http://www.example.org/militia", "www.bbc.co.uk", "press@example.com"]
_WORDS += ["de", "De", "van", "LA", "al"]


@given(st.lists(st.sampled_from([*_WORDS, ",", ".", " - ", "’s", "\n"]), max_size=40))
def test_fast_keyphrases_match_the_reference(parts):
    text = " ".join(parts)
    assert keyphrases(text) == _reference_keyphrases(text)


def test_a_name_particle_stays_inside_the_name():
    phrases = keyphrases("Robert De Niro won the Tour de France; van Gogh and the LA Galaxy too.")
    assert {"robert de niro", "de niro", "tour de france", "de france", "van gogh", "la galaxy"} <= set(phrases)
    assert not {"de", "robert de", "tour de", "van"} & set(phrases)  # never alone, never at the end
    assert "la" in phrases  # "LA" in capitals is an acronym
    spans = list(phrases_with_spans("Robert De Niro won the Tour de France; van Gogh and the LA Galaxy too."))
    assert sorted(phrase for phrase, _, _ in spans) == sorted(phrases)


def test_a_word_repeated_within_three_restarts_the_phrase():
    assert keyphrases("rise showed smaller rise") == [
        "rise",
        "showed",
        "rise showed",
        "smaller",
        "showed smaller",
        "rise showed smaller",
        "rise",
    ]
