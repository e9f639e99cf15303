"""Downloads of results and themes: complete, parseable, and safe where they will be opened."""

import csv
import io
import json
import re

from explorer.app import exports
from explorer.records import Answer, Hit, Passage, Theme

TEXT = '=HYPERLINK("http://evil.example","x") then "quoted", commas,\nand a new line <script>x</script> [l](u)'


def _hits() -> list[Hit]:
    first = Passage("a:000", "a", "+Title <b>", TEXT, 0, len(TEXT))
    second = Passage("b:001", "b", "Plain", "Second passage.", 10, 25)
    return [Hit(1, 0.9, first, (0, 10), 0.71), Hit(2, 0.5, second, None, None)]


def test_hits_csv_round_trips_and_defuses_formulas():
    rows = list(csv.DictReader(io.StringIO(exports.hits_csv(_hits(), {"a": "a.txt"}))))
    assert [r["passage_id"] for r in rows] == ["a:000", "b:001"]
    assert rows[0]["text"] == "'" + TEXT  # a spreadsheet shows it, does not run it
    assert rows[0]["title"] == "'+Title <b>"
    assert rows[0]["source"] == "a.txt" and rows[1]["source"] == ""
    assert rows[0]["highlight"] == "'" + TEXT[:10]
    assert rows[1]["similarity"] == ""


def test_hits_json_matches_the_cli_contract():
    payload = json.loads(exports.hits_json(Answer("q?", _hits(), relevant=False)))
    assert payload["question"] == "q?" and payload["relevant"] is False and "unmentioned" not in payload
    assert payload["hits"][0] == _hits()[0].to_dict()
    assert payload["hits"][0]["text"] == TEXT


def test_hits_json_names_what_no_passage_mentions():
    payload = json.loads(exports.hits_json(Answer("Havana?", _hits(), unmentioned=["Havana"])))
    assert payload["unmentioned"] == ["Havana"] and len(payload["hits"]) == 2


def test_hits_markdown_has_no_live_html_or_links():
    markdown = exports.hits_markdown(Answer("<img src=x>", _hits(), relevant=False, unmentioned=["<Havana>"]))
    assert not re.search(r"(?<!\\)[<>]", markdown.replace("\n> ", "\n"))  # every < and > is escaped
    assert not re.search(r"(?<!\\)\]\(", markdown)  # no link syntax
    assert "\\<script\\>" in markdown and "Nothing relevant" in markdown
    assert "No passage mentions: \\<Havana\\>." in markdown
    assert markdown.count("\n## ") == 2


def test_themes_exports_cover_every_passage():
    passages = [Passage(f"a:{i:03d}", "a", "A", f"text {i}", 0, 6) for i in range(3)]
    themes = [Theme(0, "label", ["k1", "k2"], passages[:2], ["a"]), Theme(-1, "unassigned", [], passages[2:], ["a"])]
    rows = list(csv.DictReader(io.StringIO(exports.themes_csv(themes))))
    assert [(r["theme_id"], r["passage_id"]) for r in rows] == [("0", "a:000"), ("0", "a:001"), ("-1", "a:002")]
    # The name the app shows, numbered from 1 beside the CLI's id from 0, so a spreadsheet matches the page.
    assert [r["theme"] for r in rows] == ["1. label", "1. label", "unassigned"]
    assert json.loads(exports.themes_json(themes))[0]["size"] == 2
    markdown = exports.themes_markdown(themes, {"a": "Article <A>"})
    assert "Theme 1: label" in markdown and "Unassigned passages" in markdown
    assert "Article \\<A\\>" in markdown and markdown.count("- text") == 3
    assert "2 passages in 1 article." in markdown and "1 passage in 1 article." in markdown


def test_passages_csv_lists_picked_passages_with_their_theme():
    passage = Passage("a:000", "a", "A", "-1 is a number", 0, 14)
    rows = list(csv.DictReader(io.StringIO(exports.passages_csv([passage], {"a:000": "1. label"}))))
    assert rows == [
        {"passage_id": "a:000", "article_id": "a", "title": "A", "theme": "1. label", "text": "'-1 is a number"}
    ]


def test_download_names_follow_the_question():
    assert exports.file_stem("passages", "Which armed groups does Tehran work through?") == (
        "passages-which-armed-groups-does-tehran-work-through"
    )
    assert (
        exports.file_stem("passages", "Erdoğan's <script> ../../etc/passwd") == "passages-erdogan-s-script-etc-passwd"
    )
    assert exports.file_stem("passages", "???") == "passages"
    assert len(exports.file_stem("passages", "word " * 100)) <= 60
