"""Untrusted article text reaches the page only escaped, with highlights added after escaping."""

import ast
from html.parser import HTMLParser

import pytest

from explorer.app.launch import streamlit_command
from explorer.app.render import escape_markdown, highlight_html, passage_html, short

from .conftest import REPO

HOSTILE = (
    '<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> '
    "[click](javascript:alert(1)) ![pixel](http://tracker.example/p.png) **bold** <b>tag</b> & &amp; \"q\" 'a'"
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text += data


def _parse(markup: str) -> _Tags:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser


def test_passage_html_contains_only_our_own_tags():
    parsed = _parse(passage_html(HOSTILE, (0, 40)))
    assert set(parsed.tags) <= {"style", "div", "mark", "br"}
    assert [name for name, _ in parsed.attributes] == ["class"]
    assert "<script>window.__pwned = 1</script>" in parsed.text  # shown as text, not run


def test_a_long_folded_passage_can_be_read_whole_in_place():
    """Side by side, a long passage shows its first lines; the whole text is there to open, escaped too."""
    long_text = HOSTILE + " " + "More words of the passage. " * 20
    parsed = _parse(passage_html(long_text, clamp=True))
    assert set(parsed.tags) <= {"style", "div", "mark", "br", "details", "summary"}
    assert parsed.tags.count("details") == 1 and "sse-clamp" in passage_html(long_text, clamp=True)
    assert parsed.text.count("<script>window.__pwned = 1</script>") == 2  # folded and whole, both as text
    assert parsed.text.count("More words of the passage.") == 40
    # A short passage fits its lines: nothing to fold.
    assert "details" not in _parse(passage_html("A short passage.", clamp=True)).tags


@pytest.mark.parametrize("span", [(0, 8), (9, 40), (len(HOSTILE) - 5, len(HOSTILE)), (3, 4)])
def test_highlight_marks_exactly_the_span_and_escapes_every_piece(span):
    markup = highlight_html(HOSTILE, span)
    parsed = _parse(markup)
    assert parsed.tags == ["mark"]
    assert parsed.text == HOSTILE  # nothing lost, nothing added
    start = markup.index("<mark>") + len("<mark>")
    marked = _parse(markup[start : markup.index("</mark>")]).text
    assert marked == HOSTILE[span[0] : span[1]]


def test_a_span_inside_an_entity_cannot_break_it():
    text = "Tom & Jerry <b>"
    markup = highlight_html(text, (4, 5))  # just the ampersand
    assert markup == "Tom <mark>&amp;</mark> Jerry &lt;b&gt;"


@pytest.mark.parametrize("span", [None, (5, 5), (-1, 3), (3, 2), (0, 10_000)])
def test_missing_or_bad_spans_show_plain_escaped_text(span):
    markup = highlight_html("a <b> c", span)
    assert markup == "a &lt;b&gt; c"


def test_paragraphs_survive_as_line_breaks():
    assert highlight_html("one\n\ntwo\nthree", None) == "one<br><br>two<br>three"


def test_escape_markdown_neutralises_links_images_html_and_emphasis():
    escaped = escape_markdown(HOSTILE)
    assert "<" not in escaped and ">" not in escaped.replace("\\>", "")
    assert "](" not in escaped and "![" not in escaped and "**" not in escaped
    assert "\\[click\\]\\(javascript:alert\\(1\\)\\)" in escaped.replace("\\:", ":")


def test_short_flattens_and_cuts():
    assert short("a\n\nb  c") == "a b c"
    assert short("word " * 50, 20).endswith("…") and len(short("word " * 50, 20)) <= 20


def test_source_name_keeps_the_folders_an_id_needs():
    """Files that share a name in different folders are told apart by the folder their id names."""
    from explorer.app.widgets import source_name

    articles = {
        "2014-iran": {"source_path": "/data/corpus/2014-iran.txt"},
        "sport/001": {"source_path": "/data/bbc/sport/001.txt"},
        "r1": {"source_path": "/data/records.csv:3"},
    }
    assert source_name(articles, "2014-iran") == "2014-iran.txt"
    assert source_name(articles, "sport/001") == "sport/001.txt"
    assert source_name(articles, "r1") == "records.csv:3"
    assert source_name(articles, "unknown") == "unknown"


def _bare_strings(tree: ast.AST) -> list[int]:
    """Lines of string expressions that are not a module's, class's or function's docstring."""
    lines = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        has_docstring = isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        for position, statement in enumerate(body):
            constant = isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            if constant and isinstance(statement.value.value, str) and not (has_docstring and position == 0):
                lines.append(statement.lineno)
    return lines


def test_page_scripts_hold_no_string_streamlit_magic_would_show():
    """Streamlit "magic" writes a page script's bare strings onto the page: a constant's docstring in the
    Ask page did show at the top of every visit. Magic is off (``.streamlit/config.toml``, ``explorer serve``),
    and the page scripts hold no such string in case it is turned on."""
    scripts = [*sorted((REPO / "explorer" / "app" / "views").glob("*.py")), REPO / "explorer" / "app" / "main.py"]
    found = {
        script.name: _bare_strings(ast.parse(script.read_text())) for script in scripts + [REPO / "streamlit_app.py"]
    }
    assert not any(found.values()), found
    assert "magicEnabled = false" in (REPO / ".streamlit" / "config.toml").read_text()
    command = streamlit_command()
    assert command[command.index("--runner.magicEnabled") + 1] == "false"
