import json
import random
from pathlib import Path

import pytest

from explorer.corpus import read_corpus
from explorer.errors import ExplorerError
from explorer.passages import split_article
from explorer.titles import title_from_stem

from .conftest import CORPUS


def minimal_pdf(text: str, title: str | None = None) -> bytes:
    """A one-page PDF with a text layer, a line per line of ``text``, and ``title`` as the title it
    stores, written by hand (no PDF writer needed)."""
    lines = " 0 -14 Td ".join(f"({line}) Tj" for line in text.split("\n"))
    stream = f"BT /F1 12 Tf 72 720 Td {lines} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if title is not None:
        objects.append(f"<< /Title ({title}) >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    info = b" /Info %d 0 R" % len(objects) if title is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref)
    return bytes(out)


def test_a_web_page_saved_as_pdf_is_read_as_its_article(tmp_path):
    """The title a browser stores ("Headline - Site") gives the headline; the masthead, menu and cookie
    banner above it, the byline, the "Most read" list and the footer links are not passages; a file name
    stored as the title is ignored for the text's first line (an outside check found both)."""
    page = "\n".join(
        [
            "The Daily Ledger",
            "NewsBusinessSportCultureWeatherSign in",
            "We use cookies to improve your experience. Accept all cookies",
            "Edgy Agassi struggles past Dent",
            "By Staff Reporter - 2005-05-14",
            "Andre Agassi put in an erratic display before edging into the fourth round of the Australian Open",
            "with victory over Taylor Dent.",
            "The American made a poor start, dropping serve early on and later needing two chances to serve",
            "out the set.",
            "Most read",
            "1. Storm warnings issued across the north",
            "2. Ten recipes for a rainy weekend",
            "Terms of use",
            "Privacy policy",
        ]
    )
    (tmp_path / "saved-page.pdf").write_bytes(minimal_pdf(page, "Edgy Agassi struggles past Dent - The Daily Ledger"))
    (tmp_path / "printed.pdf").write_bytes(
        minimal_pdf("Ministers lose slopping out case\nThe Scottish Executive has lost an appeal.", "pdfsrc_x.html")
    )
    articles = {a.article_id: a for a in read_corpus(tmp_path).articles}
    saved, printed = articles["saved-page"], articles["printed"]
    assert saved.title == "Edgy Agassi struggles past Dent"
    texts = [p.text for p in split_article(saved)]
    assert texts and texts[0].startswith("Andre Agassi")
    assert not any(word in " ".join(texts) for word in ("Daily Ledger", "cookies", "Storm", "Terms", "Staff Reporter"))
    assert "poor start" in texts[-1] and texts[-1].endswith("out the set.")
    assert printed.title == "Ministers lose slopping out case"
    assert [p.text for p in split_article(printed)] == ["The Scottish Executive has lost an appeal."]


def test_seed_corpus_titles_and_ids():
    result = read_corpus(CORPUS)
    titles = {a.article_id: a.title for a in result.articles}
    assert len(titles) == 5
    assert titles["2014-iran-pours-forces-into-iraq"].startswith("Iran Pours Forces into Iraq")
    # The 2023 article has no headline line: the title comes from the file name.
    assert titles["2023-IRGC-offers-to-train-Iraqi-armed-forces"] == "IRGC offers to train Iraqi armed forces"
    assert result.warnings == []


def test_seed_text_is_unchanged():
    for a in read_corpus(CORPUS).articles:
        assert (CORPUS / f"{a.article_id}.txt").read_text(encoding="utf-8") == a.text


def test_every_format(tmp_path):
    (tmp_path / "note.md").write_text("# A markdown title\n\nBody of the markdown note about rivers.\n")
    (tmp_path / "page.html").write_text(
        "<html><head><title>Html headline</title></head><body><nav>Menu Home About</nav>"
        "<article><h1>Html headline</h1><p>"
        + "The river flooded the valley after a week of heavy rain in the mountains. " * 5
        + "</p><p>"
        + "Farmers moved their animals to higher ground and waited for the water to fall. " * 4
        + "</p></article></body></html>"
    )
    (tmp_path / "doc.pdf").write_bytes(minimal_pdf("Glaciers are retreating across the Alps this decade."))
    (tmp_path / "records.jsonl").write_text(
        json.dumps({"_id": "r1", "title": "Jsonl record", "text": "Text of record one.", "date": "2020-01-01"}) + "\n"
    )
    (tmp_path / "table.csv").write_text('id,title,text,source\nc1,Csv row,"Text of, the csv row.",Wire\n')
    result = read_corpus(tmp_path)
    by_id = {a.article_id: a for a in result.articles}
    assert set(by_id) == {"note", "page", "doc", "r1", "c1"}
    assert by_id["note"].title == "A markdown title"
    assert by_id["page"].title == "Html headline"
    assert "flooded the valley" in by_id["page"].text and "Menu Home" not in by_id["page"].text
    assert "Glaciers are retreating" in by_id["doc"].text
    assert by_id["r1"].title == "Jsonl record" and by_id["r1"].date == "2020-01-01"
    assert by_id["c1"].text == "Text of, the csv row." and by_id["c1"].source == "Wire"


def test_a_headline_that_names_a_news_agency_is_the_title_not_a_photo_credit(tmp_path):
    """BBC News: "Weak dollar hits Reuters" was dropped as a photo credit, and the article was titled
    after its file name; a real credit line under it still goes."""
    (tmp_path / "business_0052.txt").write_text(
        "Weak dollar hits Reuters\n\nReuters/John Smith\n\n"
        "Revenues at media group Reuters slipped 11% during 2004, mainly due to the weakness of the dollar.\n"
    )
    article = read_corpus(tmp_path).articles[0]
    assert article.title == "Weak dollar hits Reuters"
    passages = split_article(article)
    assert [p.text[:30] for p in passages] == ["Revenues at media group Reuter"]


def test_a_headline_repeated_above_the_body_is_the_title_not_a_passage(tmp_path):
    """An HTML page's <h1> and a record that repeats its title on its first line: like a .txt file's
    first line, that line names the article and is not searched as (or glued to) its first passage."""
    story = "Oil prices jumped on Monday after the producers announced a surprise cut in output."
    (tmp_path / "page.html").write_text(
        "<html><head><title>Oil prices surge as OPEC cuts output</title></head><body><article>"
        f"<h1>Oil prices surge as OPEC cuts output</h1><p>{story}</p>"
        "<p>Analysts said the move would push inflation higher across Europe this year.</p></article></body></html>"
    )
    (tmp_path / "rows.jsonl").write_text(
        json.dumps({"id": "same", "title": "Harbour reopens", "text": f"Harbour reopens\n\n{story}"})
        + "\n"
        + json.dumps({"id": "other", "title": "Harbour news", "text": f"Harbour reopens\n\n{story} Boats left."})
        + "\n"
    )
    by_id = {a.article_id: a for a in read_corpus(tmp_path).articles}
    page = split_article(by_id["page"])
    assert by_id["page"].title == "Oil prices surge as OPEC cuts output" and page[0].text.startswith(story)
    assert all("OPEC" not in p.text for p in page)
    assert [p.text for p in split_article(by_id["same"])] == [story]
    assert not by_id["other"].headline_in_text  # another first line is the body's, kept
    assert "Harbour reopens" in split_article(by_id["other"])[0].text


def test_markdown_front_matter_names_the_article_and_markup_is_not_text(tmp_path):
    """A Jekyll/Hugo-style post: the YAML block gives the title, date and address and is not a passage;
    the heading repeating the title is not one either; links keep their text without their address;
    emphasis marks, images and tags go; an HTML paragraph keeps its words."""
    (tmp_path / "post.md").write_text(
        '---\ntitle: "Drought hits farmers"\ndate: 2022-08-01\nurl: https://example.org/drought\n---\n\n'
        "# Drought hits farmers\n\n![A dry field](field.jpg)\n\n"
        "Farmers say the **worst drought** in decades cut the harvest,\naccording to a "
        "[government report](https://example.org/report).\n\n"
        "<p>Water quotas for <b>irrigation</b> were halved.</p><script>track()</script>\n\n"
        "- Wheat yields fell by 40 percent in the worst-hit districts this summer.\n"
    )
    (tmp_path / "note.md").write_text("---\nnot: [valid\n---\n\nA note whose first block is not YAML.\n")
    by_id = {a.article_id: a for a in read_corpus(tmp_path).articles}
    post = by_id["post"]
    assert (post.title, post.date, post.url) == ("Drought hits farmers", "2022-08-01", "https://example.org/drought")
    texts = [p.text for p in split_article(post)]
    joined = " ".join(texts)
    assert texts[0].startswith("Farmers say the worst drought in decades cut the harvest, according to a government")
    assert "Water quotas for irrigation were halved." in joined and "Wheat yields fell" in joined
    for markup in ("---", "title:", "**", "](", "https://", "field.jpg", "<", "track()", "Drought hits"):
        assert markup not in joined, markup
    assert all(post.text[p.start : p.end] == p.text for p in split_article(post))
    assert "A note whose first block is not YAML." in by_id["note"].text  # a broken block stays text


def test_a_markdown_table_is_read_a_row_per_line_without_its_rule(tmp_path):
    (tmp_path / "groups.md").write_text(
        "# Armed groups\n\nThe groups Iran works through, by founding year.\n\n"
        "| Group | Backer | Founded |\n|---|:---:|---|\n"
        "| **Kataib Hezbollah** | [IRGC](https://example.org/irgc) | 2007 |\n| Badr | Iran | |\n\n"
        "Both took part in the war on ISIS.\n"
    )
    article = read_corpus(tmp_path).articles[0]
    assert "Group | Backer | Founded\nKataib Hezbollah | IRGC | 2007\nBadr | Iran |\n" in article.text + "\n"
    assert "---" not in article.text and "**" not in article.text and "https://" not in article.text
    assert all(article.text[p.start : p.end] == p.text for p in split_article(article))


def test_markdown_footnotes_keep_their_text_without_markers(tmp_path):
    (tmp_path / "sourced.md").write_text(
        "# Sourced story\n\nIran trained and funded Shia militant groups in Iraq.[^1] The report said so.\n\n"
        "A second paragraph cites another source.[^state]\n\n"
        "[^1]: The State Department's country report on terrorism, 2014.\n"
        "[^state]: Reuters, quoting regional experts on the Revolutionary Guards.\n"
    )
    article = read_corpus(tmp_path).articles[0]
    assert "[^" not in article.text and "]:" not in article.text
    assert "Shia militant groups in Iraq. The report said so." in article.text
    assert "The State Department's country report on terrorism, 2014." in article.text
    assert "Reuters, quoting regional experts on the Revolutionary Guards." in article.text
    assert all(article.text[p.start : p.end] == p.text for p in split_article(article))


def test_bad_records_are_reported_and_good_ones_kept(tmp_path):
    (tmp_path / "mixed.jsonl").write_text('{"id": "good", "text": "A good record."}\n{broken\n{"id": "notext"}\n')
    result = read_corpus(tmp_path)
    assert [a.article_id for a in result.articles] == ["good"]
    assert any("mixed.jsonl" in w and "2" in w for w in result.warnings)
    assert any("mixed.jsonl" in w and "no 'text'" in w and "3" in w for w in result.warnings)


def test_records_without_ids_get_one_warning_not_one_per_row(tmp_path):
    rows = "".join(f'"Story {i}\n\nThe harbour story number {i}, told in full."\n' for i in range(40))
    (tmp_path / "stories.csv").write_text("text\n" + rows)
    result = read_corpus(tmp_path)
    assert len(result.articles) == 40
    # Named by the line each row starts on, where a reader opening the file finds it.
    assert [a.article_id for a in result.articles[:3]] == ["stories-2", "stories-5", "stories-8"]
    assert result.articles[1].title == "Story 1"
    no_id = [w for w in result.warnings if "no 'id'" in w]
    assert len(no_id) == 1 and "40 record(s)" in no_id[0] and "30 more" in no_id[0]


def test_untitled_record_takes_its_headline_line_as_title(tmp_path):
    """A BBC-style record (headline, blank line, story) reads like a .txt file: the headline is the
    title and not a passage; a record that is one paragraph keeps its body's start as the title."""
    (tmp_path / "bbc.jsonl").write_text(
        json.dumps({"id": "a", "text": "Harbour reopens after storm\n\nThe harbour reopened on Monday after a week."})
        + "\n"
        + json.dumps({"id": "b", "text": "The harbour reopened on Monday after a long week of storms and repairs."})
        + "\n"
        + json.dumps({"id": "c", "text": "The harbour reopened.\n\nBoats went out again on Monday after a week."})
        + "\n"
    )
    by_id = {a.article_id: a for a in read_corpus(tmp_path).articles}
    assert by_id["a"].title == "Harbour reopens after storm" and by_id["a"].headline_in_text
    assert [p.text for p in split_article(by_id["a"])] == ["The harbour reopened on Monday after a week."]
    assert by_id["b"].title.startswith("The harbour reopened") and not by_id["b"].headline_in_text
    assert split_article(by_id["b"])[0].text == by_id["b"].text
    assert not by_id["c"].headline_in_text and "The harbour reopened." in split_article(by_id["c"])[0].text


def test_missing_path_and_empty_folder_are_clear_errors(tmp_path):
    with pytest.raises(ExplorerError, match="does not exist"):
        read_corpus(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExplorerError, match="no readable documents"):
        read_corpus(tmp_path / "empty")


def test_a_single_unreadable_file_says_why(tmp_path):
    """Given one file that yields nothing, the error names the reader's reason, not a list of formats."""
    (tmp_path / "rows.csv").write_text("id,title\n1,No text here\n")
    with pytest.raises(ExplorerError, match=r"rows\.csv: the CSV header has no 'text' column"):
        read_corpus(tmp_path / "rows.csv")
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(ExplorerError, match=r"empty\.txt: the file is empty$"):
        read_corpus(tmp_path / "empty.txt")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(ExplorerError, match=r"broken\.pdf: the PDF cannot be read"):
        read_corpus(tmp_path / "broken.pdf")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "empty.md").write_text("")
    with pytest.raises(ExplorerError, match=r"1 problem\(s\) with its files, the first: .*empty\.md"):
        read_corpus(folder)


def test_a_collection_file_without_records_is_named_in_a_warning(tmp_path):
    """A CSV holding only its header, an empty CSV and a JSONL of blank lines add nothing to the index;
    the user hears why, as for any other file that yields nothing, and the rest is still read."""
    (tmp_path / "header-only.csv").write_text("id,title,text\n")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "blank.jsonl").write_text("\n  \n")
    (tmp_path / "story.txt").write_text("A story\n\nThe body of the one readable article.")
    result = read_corpus(tmp_path)
    assert [a.article_id for a in result.articles] == ["story"]
    by_file = {Path(w.split(": ")[0]).name: w for w in result.warnings}
    assert "header but no rows" in by_file["header-only.csv"]
    assert "the file is empty" in by_file["empty.csv"]
    assert "no records" in by_file["blank.jsonl"]
    with pytest.raises(ExplorerError, match=r"header-only\.csv: the CSV has a header but no rows"):
        read_corpus(tmp_path / "header-only.csv")
    # A CSV that breaks on its first row gets the one warning that says where, not a second about no rows.
    (tmp_path / "broken.csv").write_text('id,text\n1,"unclosed\n')
    warnings = [w for w in read_corpus(tmp_path).warnings if "broken.csv" in w]
    assert len(warnings) == 1 and "broken CSV" in warnings[0]
    # The line named is the one the broken row starts on (it said the row before).
    (tmp_path / "broken.csv").write_text('id,text\n1,"fine"\n2,"broken,"quote\n3,"never read"\n')
    warnings = [w for w in read_corpus(tmp_path).warnings if "broken.csv" in w]
    assert len(warnings) == 1 and "broken.csv:3: stopped reading, broken CSV" in warnings[0]


def test_junk_without_a_nul_byte_is_skipped_as_binary_and_a_few_bad_bytes_are_not(tmp_path):
    noise = random.Random(3)
    (tmp_path / "high.txt").write_bytes(bytes(noise.randrange(128, 256) for _ in range(2000)))
    (tmp_path / "controls.md").write_bytes(bytes(noise.randrange(1, 256) for _ in range(500)))
    (tmp_path / "rows.csv").write_bytes(b"id,text\n" + bytes(noise.randrange(128, 256) for _ in range(800)))
    (tmp_path / "latin.txt").write_bytes(b"Caf\xe9 news\n\nThe caf\xe9 opened again \x81\x8d after repairs.")
    result = read_corpus(tmp_path)
    assert [a.article_id for a in result.articles] == ["latin"]
    for name in ("high.txt", "controls.md", "rows.csv"):
        said = [w for w in result.warnings if name in w]
        assert len(said) == 1 and "looks like a binary file" in said[0], said


def test_binary_and_duplicate_files_are_skipped_with_warnings(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nSame body text.")
    (tmp_path / "b.txt").write_text("Title\n\nSame body text.")
    (tmp_path / "c.txt").write_bytes(b"\x00\x01\x02binary")
    result = read_corpus(tmp_path)
    assert [a.article_id for a in result.articles] == ["a"]
    assert any("same text" in w for w in result.warnings)
    assert any("binary" in w for w in result.warnings)
    # Many copies (BBC News' raw files hold 98) are one warning that counts them, not one each.
    for number in range(12):
        (tmp_path / f"copy-{number:02d}.txt").write_text("Title\n\nSame body text.")
    warnings = read_corpus(tmp_path).warnings
    copies = [w for w in warnings if "same text" in w]
    assert len(copies) == 1 and "skipped 13 articles" in copies[0] and "'b' (same as 'a')" in copies[0]


def test_files_that_share_a_name_in_different_folders_are_all_kept(tmp_path):
    """The usual layout of a labelled collection: one folder per category, numbered files in each
    (BBC News' raw files: business/001.txt, sport/001.txt, ...). Named by stem alone, four of five
    would be skipped as duplicate ids; a clashing stem is named by its path instead."""
    for category in ("business", "sport"):
        (tmp_path / category).mkdir()
        for number in ("001", "002"):
            (tmp_path / category / f"{number}.txt").write_text(f"{category} story {number}\n\nAbout {category}.")
    (tmp_path / "sport" / "002.md").write_text("Sport notes\n\nThe same name, another format.")
    (tmp_path / "unique-story.txt").write_text("Unique story\n\nOnly one file has this name.")
    (tmp_path / "sport" / "scores.csv").write_text("text\nA score line for the records.\n")
    result = read_corpus(tmp_path)
    assert sorted(a.article_id for a in result.articles) == [
        "business/001",
        "business/002",
        "scores-2",
        "sport/001",
        "sport/002.md",
        "sport/002.txt",
        "unique-story",
    ]
    assert not result.warnings or all("duplicate" not in w for w in result.warnings)
    # Passage ids stay "ARTICLE:NNN", readable back by the last colon.
    passage = split_article(next(a for a in result.articles if a.article_id == "sport/001"))[0]
    assert passage.passage_id == "sport/001:000"


def test_cp1252_file_is_decoded(tmp_path):
    (tmp_path / "pounds.txt").write_bytes("Prices\n\nIt costs \u00a35 today.".encode("cp1252"))
    result = read_corpus(tmp_path)
    assert "\u00a35" in result.articles[0].text
    assert any("Windows-1252" in w for w in result.warnings)


def test_title_from_stem():
    assert title_from_stem("2023-IRGC-offers-to-train") == "IRGC offers to train"
    assert title_from_stem("my_notes") == "My notes"


def test_html_character_references_in_plain_text_and_records_are_decoded(tmp_path):
    """Scraped text files keep "communiqu&#233;"; decoded, it reads, embeds and matches as "communiqué"."""
    (tmp_path / "summit.txt").write_text(
        "Leaders sign communiqu&#233;\n\nThe communiqu&#233; praised AT&T, R&D &amp; &quot;growth&quot; &#x2014; "
        "and &unknownname; stays.\n",
        encoding="utf-8",
    )
    (tmp_path / "records.jsonl").write_text(
        json.dumps({"id": "r1", "title": "Tom &amp; Jerry", "text": "A caf&eacute; opened."})
        + "\n"
        + json.dumps({"id": "r2", "title": "Blank", "text": "&nbsp; "})
        + "\n",
        encoding="utf-8",
    )
    result = read_corpus(tmp_path)
    articles = {a.article_id: a for a in result.articles}
    summit = articles["summit"]
    assert summit.title == "Leaders sign communiqué"
    assert 'The communiqué praised AT&T, R&D & "growth" \u2014 and &unknownname; stays.' in summit.text
    assert articles["r1"].title == "Tom & Jerry"
    assert articles["r1"].text == "A café opened."
    # A record whose text is only a reference to a space has no text: reported, not indexed.
    assert "r2" not in articles
    assert any("records.jsonl" in w and "text" in w for w in result.warnings)
    # Passages point into the decoded text.
    passage = split_article(summit)[0]
    assert summit.text[passage.start : passage.end] == passage.text


def test_text_in_other_encodings_and_line_ends_is_read_as_written(tmp_path):
    """UTF-16 with its byte-order mark (Windows' "Unicode"), Windows and old-Mac line ends, and a web
    page in the encoding it declares: each was skipped as binary, kept ``\\r`` in its passages, or garbled."""
    (tmp_path / "utf16.txt").write_bytes("Grève à Paris\n\nLes cheminots ont entamé une grève.\n".encode("utf-16"))
    (tmp_path / "crlf.txt").write_bytes(b"Heat wave\r\n\r\nThe city opened cooling centres.\r\nWater was free.\r\n")
    (tmp_path / "mac.txt").write_bytes(b"Old Mac title\r\rFirst paragraph about apples.\r\rSecond about pears.\r")
    (tmp_path / "rows.csv").write_bytes(b'id,title,text\r\nr1,Row,"One line.\r\nAnother line."\r\n')
    (tmp_path / "ru.html").write_bytes(
        '<html><head><meta charset="windows-1251"><title>Выборы</title></head><body><article><h1>Выборы в городе'
        "</h1><p>В воскресенье в городе прошли выборы мэра, явка составила около сорока процентов.</p>"
        "</article></body></html>".encode("cp1251")
    )
    result = read_corpus(tmp_path)
    by_id = {a.article_id: a for a in result.articles}
    assert by_id["utf16"].title == "Grève à Paris" and "entamé" in by_id["utf16"].text
    for article in result.articles:
        assert "\r" not in article.text, article.article_id
        assert all("\r" not in p.text for p in split_article(article))
    assert by_id["mac"].title == "Old Mac title"
    assert split_article(by_id["mac"])[0].text.startswith("First paragraph about apples.")  # no title inside
    assert by_id["r1"].text == "One line.\nAnother line."
    assert "прошли выборы мэра" in by_id["ru"].text
    assert not [w for w in result.warnings if "utf16" in w or "ru.html" in w]


def test_a_web_page_without_an_article_is_skipped(tmp_path):
    (tmp_path / "nav.html").write_text(
        '<html><head><title>Home | Site</title></head><body><nav><a href="/">Home</a> <a href="/news">News</a>'
        '</nav><div class="cookie">We use cookies. Accept</div><footer>© 2024 Site</footer></body></html>'
    )
    (tmp_path / "story.txt").write_text("A story\n\nThe body of the one readable article is here.")
    result = read_corpus(tmp_path)
    assert [a.article_id for a in result.articles] == ["story"]
    assert any("nav.html: skipped, no article text found in the HTML" in w for w in result.warnings)


def test_files_of_a_type_not_read_are_named_in_one_warning(tmp_path):
    """A .docx or a file without a suffix was skipped without a word (outside check, session 25)."""
    (tmp_path / "story.txt").write_text("A story\n\nThe body of the one readable article.")
    (tmp_path / "alfama.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "prices").write_text("a list of prices")
    (tmp_path / ".hidden").write_text("never mentioned")
    result = read_corpus(tmp_path)
    assert [a.article_id for a in result.articles] == ["story"]
    unread = [w for w in result.warnings if "type not read" in w]
    assert len(unread) == 1 and "(.docx, no suffix): alfama.docx, prices;" in unread[0]
    assert ".hidden" not in unread[0]
    with pytest.raises(ExplorerError, match="type not read"):
        (tmp_path / "story.txt").unlink()
        read_corpus(tmp_path)


def test_a_web_page_saved_as_text_is_read_as_a_web_page(tmp_path):
    """A page saved under a .txt name was indexed as its markup, titled "<!DOCTYPE html><html ...";
    a section name above the headline ("Transport") kept the headline inside the first passage."""
    body = " ".join(["The number 15 tram runs along the river and is full from early morning."] * 3)
    page = (
        "<!DOCTYPE html><html lang='en'><head><title>Tram 15 is packed</title></head><body>"
        "<nav><a href='/'>Home</a></nav><article><p class='kicker'>Transport</p><h1>Tram 15 is packed</h1>"
        f"<p>{body}</p><p>{body.replace('river', 'coast')}</p></article></body></html>"
    )
    (tmp_path / "saved-page.txt").write_text(page)
    (tmp_path / "page.html").write_text(page)
    for name in ("saved-page", "page"):
        result = read_corpus(tmp_path / f"{name}.{'txt' if name == 'saved-page' else 'html'}")
        [article] = result.articles
        assert article.title == "Tram 15 is packed" and "<" not in article.text
        [first, *_] = split_article(article)
        assert first.text.startswith("The number 15 tram"), first.text
