"""A PDF's pages as an article: running headers, footers and page numbers out, paragraphs rejoined."""

from explorer.pdf_text import article_text, headline

WIDTH = "x" * 70  # lines set in a column fill the width; a paragraph's last line does not


def _page(number: int, body: list[str]) -> str:
    return "\n".join(
        ["HARBOUR GAZETTE - Weekend Edition www.gazette.example", *body, f"Page {number} of 3", "Subscribe today"]
    )


def test_running_headers_footers_and_page_numbers_are_dropped_and_paragraphs_rejoined():
    pages = [
        _page(
            1,
            [
                "Council unveils harbour plan",
                "The council will rebuild the harbour district after the storm, with new sea",
                "walls and housing for the families the storm left without a home this",
            ],
        ),
        _page(
            2,
            [
                "winter. The plan needs the approval of the regional govern-",
                "ment, which meets in March to vote on the money for it.",
                "Fishermen welcomed the plan but asked for a new slipway to be built first and",
                "for the old quay to stay open while the work goes on in the harbour.",
            ],
        ),
        _page(3, ["The mayor said work would start in the spring if the vote goes the council's way."]),
    ]
    text = article_text(pages)
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "Council unveils harbour plan"  # the heading, not the running header
    assert "GAZETTE" not in text and "Page" not in text and "Subscribe" not in text
    # Over the page break, and a word cut at a line's end, back together.
    assert "left without a home this winter. The plan needs the approval of the regional government, which" in text
    assert paragraphs[2].startswith("Fishermen welcomed") and paragraphs[2].endswith("in the harbour.")
    assert paragraphs[3].startswith("The mayor said")
    assert "\n" not in "".join(paragraphs)  # no hard line breaks inside a paragraph


def test_a_line_of_the_text_that_recurs_is_not_mistaken_for_a_header():
    """Only a line at the same edge of most pages is furniture; one page's text alone is left whole."""
    single = "Short title\nA first line of text that is long enough to fill the column width here.\nEnd."
    assert article_text([single]).startswith("Short title\n\nA first line of text")
    repeated = ["Intro line\nThe same sentence opens the body of this page of the report today.\nMore."] * 2
    assert article_text(repeated).count("The same sentence opens the body") == 0  # same place: furniture
    moved = [
        "Intro line\nThe same sentence opens the body of this page of the report today.\nMore text.",
        "Other opening\nAnother line first\nThe same sentence opens the body of this page of the report today.",
    ]
    assert article_text(moved).count("The same sentence opens the body") == 2


def test_the_stored_title_of_a_saved_web_page_gives_its_headline():
    """A file name stored as the title is no title; a page title with the site's name after it is the
    headline line, and the masthead, menu and cookie banner above that line are cut."""
    text = (
        "The Daily Ledger\n\nNewsBusinessSportSign in\n\nWe use cookies. Accept all cookies\n\n"
        "Edgy Agassi struggles past Dent\n\nAndre Agassi put in an erratic display in Melbourne.\n"
    )
    title, start = headline("Edgy Agassi struggles past Dent - The Daily Ledger", text)
    assert title == "Edgy Agassi struggles past Dent" and text[start:].startswith("Edgy Agassi struggles")
    assert headline("Edgy Agassi struggles past Dent", text) == (title, start)  # the title alone, too
    assert headline("pdfsrc_politics173.html", text) == ("", 0)
    assert headline("Microsoft Word - report.docx", text) == ("", 0)
    # A stored title the text does not show at its top is kept whole, and nothing is cut.
    assert headline("Tennis round-up", text) == ("Tennis round-up", 0)
    assert headline("Edgy Agassi struggles past Denton", text) == ("Edgy Agassi struggles past Denton", 0)
    # Many words above the headline are text (a report's cover), not a masthead: the title, no cut.
    long_cover = "A summary paragraph of the report with a good many words in it.\n\n" * 8 + text
    assert headline("Edgy Agassi struggles past Dent", long_cover)[1] == 0
