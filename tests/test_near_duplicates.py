from explorer.near_duplicates import deduplicate_keywords, led_by


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


def test_led_by_keeps_the_head_and_drops_what_repeats_it():
    head = ["kataib hezbollah", "economy", "economic"]  # a label may hold two words a reader takes for one
    assert led_by(head, ["hezbollah", "militias", "militia", "rockets"], 5) == [*head, "militias", "rockets"]
    assert led_by(head, ["rockets"], 2) == head[:2]
    assert led_by((), ["militia", "militias", "rockets"]) == deduplicate_keywords(["militia", "militias", "rockets"])
