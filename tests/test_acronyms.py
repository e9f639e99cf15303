from explorer.acronyms import acronyms_once


def test_a_keyword_is_no_second_name_for_an_acronym_among_them():
    texts = ["Iran's Islamic Revolutionary Guard Corps (IRGC) trains forces.", "The IRGC said so."]
    label = ["reda", "irgc", "armed forces"]
    assert acronyms_once([*label, "guard corps", "provide"], 3, texts) == [*label, "provide"]
    # An acronym after a label phrase that spells it out goes instead: the label is never changed.
    assert acronyms_once(["guard corps", "reda", "irgc", "provide"], 2, texts) == ["guard corps", "reda", "provide"]
    # Without the acronym among them, the phrase stays; so does one the texts never spell out.
    assert acronyms_once(["reda", "guard corps"], 1, texts) == ["reda", "guard corps"]
    assert acronyms_once(["irgc", "armed forces"], 1, texts) == ["irgc", "armed forces"]
