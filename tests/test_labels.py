import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from explorer.labels import (
    Vocabulary,
    _phrases_with_spans,
    best_first,
    ctfidf_keywords,
    deduplicate_keywords,
    keyphrases,
    make_label,
    spelled_out_names,
    surface_forms,
    without_links,
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


def test_outliers_get_no_keywords():
    keywords = ctfidf_keywords(["a text here", "another text there"], np.array([-1, 0]))
    assert set(keywords) == {0}


def test_words_in_nearly_every_article_are_the_subject_not_a_theme():
    texts = [f"Iran and topic{i} matter here" for i in range(10)]
    vocabulary = Vocabulary(texts, article_ids=[f"a{i}" for i in range(10)])
    assert "iran" not in set(vocabulary.terms)


def test_near_duplicate_keywords_are_dropped():
    assert deduplicate_keywords(["militia", "militias", "kataib hezbollah", "hezbollah", "badr"]) == [
        "militia",
        "kataib hezbollah",
        "badr",
    ]
    assert deduplicate_keywords(["forces", "us forces", "us"]) == ["forces", "us"]
    # "virus" is no plural of "viru": a plural rule alone kept both.
    assert deduplicate_keywords(["virus", "viruses", "elections", "election", "web"]) == ["virus", "elections", "web"]
    assert deduplicate_keywords(["economy", "economic", "state", "statement"]) == ["economy", "state", "statement"]
    assert deduplicate_keywords(["iraqi prime", "prime minister", "abadi", "al-abadi"]) == ["iraqi prime", "abadi"]
    # An acronym's plural, whose "s" Snowball keeps after the only vowel (SciFact: "RNA, RNAs, chromatin").
    assert deduplicate_keywords(["rna", "rnas", "ngos", "ngo", "gas", "chromatin"]) == [
        "rna",
        "ngos",
        "gas",
        "chromatin",
    ]
    # ... and one with no vowel at all (BBC News: "DVDs, DVD, Sony"); a word's own "s" stays.
    assert deduplicate_keywords(["dvds", "dvd", "sony", "pcs", "pc", "rhythms", "rhythm", "its"]) == [
        "dvds",
        "sony",
        "pcs",
        "rhythms",
        "its",
    ]


def test_labels_use_the_articles_spelling_and_share_no_word():
    texts = ["Kataib Hezbollah fired rockets.", "Officials blamed Kataib Hezbollah again.", "Militias fired. militias"]
    assert surface_forms(["kataib hezbollah", "militias"], texts) == {
        "kataib hezbollah": "Kataib Hezbollah",
        "militias": "militias",
    }
    assert make_label(["kataib hezbollah", "hezbollah rockets", "rockets"], texts) == "Kataib Hezbollah, rockets"
    assert make_label([], texts) == "miscellaneous"


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


def test_a_word_that_only_opens_another_label_name_gives_way_to_it():
    """ "Abu" always opens "Abu Mahdi/Mehdi al-Muhandis": the label names al-Muhandis instead. Names
    joined by a stop word or punctuation ("Federer and Nadal", "Chelsea v Arsenal") are not one name."""
    texts = [
        "Kataib Hezbollah leader Abu Mahdi al-Muhandis was killed.",
        "Abu Mehdi al-Muhandis advised Kataib Hezbollah.",
        "Officials named al-Muhandis again.",
    ]
    assert make_label(["kataib hezbollah", "abu", "al-muhandis"], texts) == "Kataib Hezbollah, al-Muhandis"
    # One "Abu" standing alone keeps it: it is not always part of that name.
    alone = [*texts, "Abu was seen in Baghdad."]
    assert make_label(["kataib hezbollah", "abu", "al-muhandis"], alone) == "Kataib Hezbollah, Abu, al-Muhandis"
    sport = ["Federer and Nadal met in the final.", "Nadal beat Federer.", "Chelsea v Arsenal ended level."]
    assert make_label(["federer", "nadal", "chelsea", "arsenal"], sport, parts=4) == "Federer, Nadal, Chelsea, Arsenal"


def test_a_phrase_the_three_word_limit_cut_inside_a_name_is_no_label():
    """ "throne marrying Roman" is three words of "the throne marrying Roman Catholics": every time, a
    capitalised word follows. A phrase that ends a name, or is followed by one only sometimes, stays."""
    texts = [
        "The bill would abolish the ban on heirs to the throne marrying Roman Catholics.",
        "Heirs to the throne marrying Roman Catholics lose their place in the succession.",
        "The succession bill was long overdue, said the Fabian Society.",
    ]
    keywords = ["throne marrying roman", "succession", "fabian society"]
    assert make_label(keywords, texts) == "succession, Fabian Society"
    once_alone = [*texts, "A prince of the throne marrying Roman, in the old play."]
    assert make_label(keywords, once_alone) == "throne marrying Roman, succession, Fabian Society"
    cut_before_al = ["Iraqi prime minister Nouri al-Maliki met him.", "Nouri al-Maliki said no."]
    assert make_label(["prime minister nouri", "nouri al-maliki"], cut_before_al) == "Nouri al-Maliki"


def test_a_phrase_inside_an_acronyms_written_out_name_gives_way_to_the_acronym():
    """ "Guard Corps" beside "IRGC" names one thing twice, when the texts write IRGC out in full."""
    texts = [
        "The Islamic Revolutionary Guard Corps (IRGC) offered training.",
        "IRGC officers told Reda about the armed forces.",
        "Reda said the Guard Corps was ready.",
    ]
    assert spelled_out_names(texts, ["irgc", "reda"]) == {"irgc": ["islamic revolutionary guard corps"]}
    assert make_label(["reda", "guard corps", "irgc", "armed forces"], texts) == "Reda, IRGC, armed forces"
    # The acronym takes the phrase's place, so the label names the Guard even when the acronym
    # itself ranks past the last part, or only among the fallback phrases.
    assert make_label(["guard corps", "reda", "armed forces", "irgc"], texts) == "IRGC, Reda, armed forces"
    assert make_label(["reda", "armed forces", "guard corps"], texts, fallback=["irgc"]) == "Reda, armed forces, IRGC"
    # Short words may stand inside a name, and dotted initials count: ISIL, U.S.
    more = ["Islamic State of Iraq and the Levant (ISIL) fighters.", "U.S. troops and United States officials."]
    assert spelled_out_names(more, ["isil", "u.s."]) == {
        "isil": ["islamic state of iraq and the levant"],
        "u.s.": ["united states"],
    }
    # Without the written-out name, or with "irgc" never written as an acronym, both stay.
    assert make_label(["reda", "guard corps", "irgc"], texts[1:]) == "Reda, Guard Corps, IRGC"
    lower = [text.replace("IRGC", "Irgc") for text in texts]
    assert spelled_out_names(lower, ["irgc"]) == {}
    # A phrase that only shares initials with an acronym is not part of its name.
    assert make_label(["prime minister", "pmf"], ["The PMF met the prime minister."]) == "prime minister, PMF"


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


def _reference_keyphrases(text: str) -> list[str]:
    """The first, list-based version of :func:`keyphrases`, kept to check the faster one against."""
    from explorer.labels import _WORD_OR_BREAK, MAX_PHRASE_WORDS, _counted_form

    out: list[str] = []
    run: list[str] = []
    for token in _WORD_OR_BREAK.findall(without_links(text)):
        word, possessive, particle = _counted_form(token) if token[0].isalpha() else ("", 0, False)
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
    spans = list(_phrases_with_spans("Robert De Niro won the Tour de France; van Gogh and the LA Galaxy too."))
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


def test_in_a_small_collection_only_a_word_in_every_article_is_the_subject():
    texts = [f"Troops and Iran matter in topic{i} here" for i in range(4)] + ["Iran matters in topic9 here"]
    terms = set(Vocabulary(texts, article_ids=[f"a{i}" for i in range(5)]).terms)
    assert "iran" not in terms  # every article
    assert "troops" in terms  # four of five: a theme's word, not the collection's subject


@given(st.lists(st.integers(-2, 5), max_size=60), st.integers(-1, 70))
def test_best_first_is_the_head_of_a_stable_sort(values, count):
    """Ties (many here: eight distinct scores, zeros among them, as most of a theme's vocabulary is)
    keep index order, as the full stable argsort does."""
    scores = np.array(values, dtype=float)
    expected = np.argsort(-scores, kind="stable")[: max(count, 0)]
    assert best_first(scores, count).tolist() == expected.tolist()


def test_a_keyphrase_must_hold_a_share_of_a_large_theme_and_two_passages_of_a_small_one():
    """A name in 3 of a theme's 200 passages does not describe it; in 2 of 9 it may."""
    from explorer.labels import MIN_THEME_SHARE, ctfidf_scores

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
    from explorer.labels import KEYWORD_RARITY_SCALE, ctfidf_scores

    counts, sizes, frequency = np.array([[2.0, 6.0]]), np.array([10.0]), np.array([2.0, 16.0])
    name, word = ctfidf_scores(counts, sizes, frequency, average_size=10.0)[0]
    assert name > word
    name, word = ctfidf_scores(counts, sizes, frequency, average_size=10.0, rarity_scale=KEYWORD_RARITY_SCALE)[0]
    assert word > name


def test_led_by_keeps_the_head_and_drops_what_repeats_it():
    from explorer.labels import led_by

    head = ["kataib hezbollah", "economy", "economic"]  # a label may hold two words a reader takes for one
    assert led_by(head, ["hezbollah", "militias", "militia", "rockets"], 5) == [*head, "militias", "rockets"]
    assert led_by(head, ["rockets"], 2) == head[:2]
    assert led_by((), ["militia", "militias", "rockets"]) == deduplicate_keywords(["militia", "militias", "rockets"])


def test_a_keyword_after_the_label_keeps_company_with_the_keywords_before_it():
    from explorer.labels import with_companions

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


def test_a_keyword_is_no_second_name_for_an_acronym_among_them():
    from explorer.labels import acronyms_once

    texts = ["Iran's Islamic Revolutionary Guard Corps (IRGC) trains forces.", "The IRGC said so."]
    label = ["reda", "irgc", "armed forces"]
    assert acronyms_once([*label, "guard corps", "provide"], 3, texts) == [*label, "provide"]
    # An acronym after a label phrase that spells it out goes instead: the label is never changed.
    assert acronyms_once(["guard corps", "reda", "irgc", "provide"], 2, texts) == ["guard corps", "reda", "provide"]
    # Without the acronym among them, the phrase stays; so does one the texts never spell out.
    assert acronyms_once(["reda", "guard corps"], 1, texts) == ["reda", "guard corps"]
    assert acronyms_once(["irgc", "armed forces"], 1, texts) == ["irgc", "armed forces"]


def test_the_vocabulary_says_which_of_a_themes_passages_hold_a_phrase():
    texts = ["Kataib Hezbollah fired rockets.", "Rockets hit the base.", "Kataib Hezbollah denied it.", "Rain."]
    vocabulary = Vocabulary(texts)
    assert vocabulary.holding(np.array([0, 1]))("kataib hezbollah") == {0}
    assert vocabulary.holding(np.array([2, 0, 1]))("rockets") == {0, 1}
    assert vocabulary.holding(np.array([0, 1]))("no such phrase") == frozenset()


def test_a_name_is_shown_without_the_word_one_paper_puts_before_it():
    from explorer.labels import name_of

    assert name_of("boss jose mourinho", "boss Jose Mourinho") == ("jose mourinho", "Jose Mourinho")
    assert name_of("secretary charles clarke", "secretary Charles Clarke") == ("charles clarke", "Charles Clarke")
    assert name_of("leader abu al-muhandis", "leader Abu al-Muhandis") == ("abu al-muhandis", "Abu al-Muhandis")
    for kept in ("destabilizing Iraq", "Chelsea boss", "Kataib Hezbollah", "armed forces", "al-Muhandis", "iPod"):
        assert name_of(kept.lower(), kept) == (kept.lower(), kept)
