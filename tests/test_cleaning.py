from explorer.cleaning import is_furniture, mark_repeats, paragraph_blocks


def dropped(text: str, title: str = "") -> dict[str, str]:
    blocks = mark_repeats(text, paragraph_blocks(text), title)
    return {text[b.start : b.end]: b.reason for b in blocks if not b.kept}


def test_page_furniture_is_recognised():
    for line in [
        "• Print Friendly, PDF & Email",
        "• Send to Kindle",
        "Join the conversation as a VIP Member",
        "Trending on HotAir Videos",
        "Source » jpostIn comments that should raise eyebrows",
        "HAIDAR HAMDANI/AFP/Getty Images",
        "[Photo: Top World News / YouTube]",
        "Reuters/John Smith",
        "John Smith for Reuters",
        "file photo via AFP",
        "VOTE   Was he right to leave the show?   Yes  No   Results are indicative and may not reflect public opinion",
        "Credit: John Smith",
        "Copyright: AFP",
        "Copyright 2023 Reuters",
        "© AP",
        # A web page saved as PDF: byline, cookie banner, footer links.
        "By Staff Reporter · 2005-05-14",
        "By Jane Smith, Political correspondent",
        "We use cookies to improve your experience. Accept all cookies  Manage settings",
        "Terms of use",
        "Privacy policy",
        "Contact us",
        "The Daily Ledger is not responsible for the content of external sites. Read about our approach.",
        # Datelines and a lower-case byline under a headline (an outside check's collection, session 25).
        "The Lisbon Ledger, 2019-03-14",
        "Iberia Business Review | 2025-02-03",
        "March 14, 2019 · Reuters",
        "Baghdad | 3 March 2003",
        "By staff reporter | Portugal Post",
    ]:
        assert is_furniture(line), line
    for line in [
        "Iran has played a key role in Iraq for years.",
        "Share prices rose sharply after the announcement of a deal.",
        "Reuters previously reported that Iran denies combat operations.",
        "Weak dollar hits Reuters",  # a BBC News headline, no credit
        "Reuters profits slide",
        # A BBC News lead paragraph, lost as a "credit" line until session 21.
        "Creditors of South Korea's top credit card firm have said they will put the company into liquidation.",
        "Credit Suisse said profits rose.",
        "Copyright laws are changing fast in Europe.",
        "By Tuesday the talks had collapsed.",  # a sentence, not a byline
        "By the end of the year",
        "By then, the army had left",
        "The war began on March 3, 2003",  # a date in a sentence
        "Oil prices rose, 2019-03-14",
        "Stratfor reported February 20:",
        "Privacy campaigners welcomed the ruling",
        # Paragraphs that open like furniture: a SciFact abstract was dropped whole until session 21.
        "© Joanna Moncrieff 2013. All rights reserved. A challenging reappraisal of the history of antipsychotic "
        "drugs, from their introduction in the 1950s to the present day, and of what they do to the brain.",
        "Recommended doses of vitamin D have been raised twice in the past decade, and doctors now advise "
        "older patients to take a supplement through the winter months as well.",
    ]:
        assert not is_furniture(line), line


def test_verbatim_repeated_paragraph_is_kept_once():
    para = "Iran has already been providing weapons and training to Shiite militias in Iraq."
    text = f"{para}\nSomething else entirely happens in this paragraph of the article.\n{para}\n"
    result = dropped(text)
    assert list(result.values()) == ["repeat"]
    blocks = mark_repeats(text, paragraph_blocks(text))
    assert blocks[0].kept and not blocks[2].kept


def test_short_list_lines_are_not_pull_quotes_or_attributions():
    """Items of a list: one stands inside a longer item, a refrain repeats; each is kept (BBC News)."""
    nominees = (
        "Matt Lucas & David Walliams (Little Britain, BBC Three)\n\nNighty Night (Baby Cow Productions, BBC Three)\n\n"
        "Little Britain (BBC Three)\n\nDoc Martin (Buffalo Productions, ITV1)\n"
    )
    fixtures = (
        "Seychelles v South Africa\n\nWinners meet in final match\n\nNamibia v Botswana\n\n"
        "Winners meet in final match\n\nLesotho v Malawi\n"
    )
    assert dropped(nominees) == {}
    assert dropped(fixtures) == {"Winners meet in final match": "repeat"}
    assert "Lesotho v Malawi" in [
        fixtures[b.start : b.end] for b in mark_repeats(fixtures, paragraph_blocks(fixtures)) if b.kept
    ]


def test_pull_quote_with_ellipsis_and_attribution_is_dropped():
    body = (
        "“Choosing Iran as my first destination after taking office indicates the depth of ties,” "
        "Abadi said. “Terrorism is a threat to all regional countries, and we are sure Iran will stand by us.”"
    )
    quote = (
        "Choosing Iran as my first destination after taking office indicates the depth of ties. … "
        "Terrorism is a threat to all regional countries, and we are sure Iran will stand by us."
    )
    text = f"{body}\n\n{quote}\nIraqi Prime Minister Haidar al-Abadi\nThe visit went on for two days and ended.\n"
    result = dropped(text)
    assert result[quote] == "pull quote"
    assert "Iraqi Prime Minister Haidar al-Abadi" in result
    assert "The visit went on for two days and ended." not in result


def test_title_line_and_its_repeat_are_not_passages():
    text = "Iran Strengthens Ties\n\nHAIDAR HAMDANI/AFP/Getty Images\n\nIran Strengthens Ties\n\nBody text here.\n"
    blocks = mark_repeats(text, paragraph_blocks(text), "Iran Strengthens Ties")
    assert [b.reason for b in blocks] == ["title", "furniture", "title", ""]


def test_a_headline_above_one_long_sentence_is_a_line_of_its_own():
    """A short page's extracted text: the headline, then its only paragraph on the next line. Both stop
    without a full stop at the line's end, but the headline does not fill a wrapped width."""
    text = (
        "Dam talks stall\nTalks between the three countries over the new dam on the river ended on Tuesday "
        "without an agreement on how fast the reservoir should be filled.\n"
    )
    blocks = mark_repeats(text, paragraph_blocks(text), "Dam talks stall")
    assert [(text[b.start : b.end][:15], b.reason) for b in blocks] == [
        ("Dam talks stall", "title"),
        ("Talks between t", ""),
    ]


def test_a_bulleted_list_stays_one_block():
    text = "- Spend three years on probation\n- Have random drug tests\n- Do 100 hours of community service\n"
    assert len(paragraph_blocks(text)) == 1


def test_hard_wrapped_paragraphs_stay_whole():
    text = (
        "This paragraph was wrapped by a text editor at a fixed\n"
        "width so every line stops in the middle of a sentence\n"
        "and only the last one ends it.\n\nA second paragraph.\n"
    )
    blocks = paragraph_blocks(text)
    assert len(blocks) == 2
    assert text[blocks[0].start : blocks[0].end].endswith("ends it.")


def test_the_stories_listed_under_a_most_read_heading_go_with_it():
    """A saved page's "Most read" list and footer went into the index as passages (an outside check);
    the list ends where the article's text resumes, so a paragraph after it stays."""
    text = (
        "The striker scored twice in the second half to win the match for his side.\n\n"
        "Most read\n\n"
        "1. Storm warnings issued across the north\n\n"
        "2. Ten recipes for a rainy weekend\n\n"
        "3. Quiz of the week: how closely were you paying attention?\n\n"
        "© 2005 The Daily Ledger. All rights reserved.\n\n"
        "Terms of use\n\n"
        "Related stories\n\n"
        '"We will be back," the manager said.\n\n'
        "The club said the player would be rested for the cup tie.\n\n"
        "Latest scores\n"
    )
    gone = dropped(text)
    assert set(gone) == {
        "Most read",
        "1. Storm warnings issued across the north",
        "2. Ten recipes for a rainy weekend",
        "3. Quiz of the week: how closely were you paying attention?",
        "© 2005 The Daily Ledger. All rights reserved.",
        "Terms of use",
        "Related stories",
    }
    assert set(gone.values()) == {"furniture"}  # "Latest scores" stays: no list heading above it
