from explorer.acronyms import spelled_out_names
from explorer.labels import make_label
from explorer.surface_forms import surface_forms


def test_labels_use_the_articles_spelling_and_share_no_word():
    texts = ["Kataib Hezbollah fired rockets.", "Officials blamed Kataib Hezbollah again.", "Militias fired. militias"]
    assert surface_forms(["kataib hezbollah", "militias"], texts) == {
        "kataib hezbollah": "Kataib Hezbollah",
        "militias": "militias",
    }
    assert make_label(["kataib hezbollah", "hezbollah rockets", "rockets"], texts) == "Kataib Hezbollah, rockets"
    assert make_label([], texts) == "miscellaneous"


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
    # Cut at the start: a name particle opens the phrase, and a name or a number always stands before it.
    bridges = ["The Vasco da Gama bridge was jammed.", "On the 25 de Abril bridge, cars queued.", "Ferries ran."]
    keywords = ["da gama bridge", "de abril bridge", "ferries"]
    assert make_label(keywords, [*bridges, "Traffic on the Vasco da Gama bridge rose."]) == "Ferries"
    surnames = ["Carlo del Fava scored.", "Del Fava ran again.", "Perugini kicked."]  # alone once: a name
    assert make_label(["del fava", "perugini"], surnames) == "del Fava, Perugini"


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
