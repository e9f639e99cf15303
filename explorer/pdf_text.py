"""A PDF's pages as an article's text: page furniture out, paragraphs back together.

pypdf gives each page's text line by line, as laid out: every line is a hard break, a word cut at the
end of a line keeps its hyphen, and each page repeats its running header and footer and prints its
number. Left in, the header became the article's title and came back in its passages, page numbers and
"Subscribe today" sat inside sentences, and a sentence cut at a page break became two passages.

This module knows nothing of pypdf: it takes the pages' text and gives back the article's text, with a
blank line between paragraphs, the way the rest of the pipeline reads .txt files.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from explorer.cleaning import normalized_words

EDGE_LINES = 3
"""Lines at the top and at the bottom of a page where running headers, footers and page numbers sit."""

RUNNING_SHARE = 0.5
"""A line at the edge of at least this share of the pages (and of two) is a running header or footer."""

_PAGE_NUMBER = re.compile(r"(?:page\s*)?[-–—(\[]?\s*\d{1,4}\s*(?:(?:/|of)\s*\d{1,4})?\s*[-–—)\]]?", re.IGNORECASE)
_CUT_WORD = re.compile(r"[^\W\d_]-$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")

SHORT_LINE = 0.8
"""A line shorter than this share of the column's width (the 90th percentile of the line lengths) ends
its paragraph: text set in a column fills every line but a paragraph's last, and a heading is short."""


def _shape(line: str) -> str:
    """A line with its numbers masked, so "Page 3 of 9" and "Page 4 of 9" count as one running line."""
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _edge_positions(count: int) -> list[int]:
    """The positions of a page's edge lines: 0, 1, 2 from the top, -1, -2, -3 from the bottom."""
    top = list(range(min(EDGE_LINES, count)))
    bottom = [-(i + 1) for i in range(min(EDGE_LINES, count)) if count - (i + 1) >= len(top)]
    return top + bottom


def _running_lines(pages: list[list[str]]) -> set[tuple[int, str]]:
    """(position, shape) of the lines that repeat at the same edge position of most pages: a header is the
    first line of each page, a footer the last; a sentence of the text is not at the same place twice."""
    if len(pages) < 2:
        return set()
    counts: Counter[tuple[int, str]] = Counter()
    for lines in pages:
        counts.update({(position, _shape(lines[position])) for position in _edge_positions(len(lines))})
    needed = max(2, RUNNING_SHARE * len(pages))
    return {key for key, count in counts.items() if count >= needed and key[1]}


def _body_lines(lines: list[str], running: set[tuple[int, str]]) -> list[str]:
    """A page's lines without its running header and footer and its page number."""
    dropped = set()
    for position in _edge_positions(len(lines)):
        stripped = lines[position].strip()
        if (position, _shape(stripped)) in running or _PAGE_NUMBER.fullmatch(stripped):
            dropped.add(position % len(lines))
    return [line.rstrip() for index, line in enumerate(lines) if index not in dropped]


def _paragraphs(lines: list[str], page_ends: set[int]) -> list[str]:
    """Lines joined into paragraphs: a blank line or a short line (a paragraph's last, or a heading) ends
    one, and so does a page's last line when it ends a sentence and the next page starts a new one; a
    word cut at the end of a line ("govern-" / "ment") is put back together. ``page_ends`` are the
    indices of the pages' last lines."""
    widths = [len(line) for line in lines if line.strip()]
    usual = statistics.quantiles(widths, n=10)[-1] if len(widths) > 1 else (widths[0] if widths else 0)
    paragraphs: list[str] = []
    current = ""
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if not current:
            current = text
        elif _CUT_WORD.search(current) and text[:1].islower():
            current = current[:-1] + text
        else:
            current = f"{current} {text}"
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        continued = following[:1].islower()  # a sentence going on (over a page break, say)
        short = len(line) < SHORT_LINE * usual  # the last line of a paragraph, or a heading
        page_break = index in page_ends and _SENTENCE_END.search(text) and not continued
        if (short and not continued) or page_break:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def article_text(pages: list[str]) -> str:
    """The article a PDF's ``pages`` hold: running headers, footers and page numbers removed, text that
    flows over a page break joined, lines joined into paragraphs separated by blank lines."""
    split = [page.splitlines() for page in pages if page.strip()]
    running = _running_lines(split)
    lines: list[str] = []
    page_ends: set[int] = set()
    for page in split:
        lines.extend(_body_lines(page, running))
        page_ends.add(len(lines) - 1)
    return "\n\n".join(_paragraphs(lines, page_ends))


_FILE_NAME_TITLE = re.compile(
    r"^[^\s/\\]+\.(?:html?|pdf|docx?|txt|md|rtf|odt|pptx?|xlsx?|indd|tex)$|^Microsoft (?:Word|PowerPoint) - ",
    re.IGNORECASE,
)
"""A title a PDF writer stored from the source file's name ("pdfsrc_politics173.html", "Microsoft Word -
report.docx"): the text's headline says more."""

_SITE_SUFFIX = re.compile(r"\s*[-|–—:·•]\s*\S")
"""What joins a headline to the site's name in a page title: "Edgy Agassi struggles past Dent - The Daily
Ledger" (a browser's "Save as PDF" stores the page title)."""

HEADLINE_LINES = 15
"""Lines from the top of the text where a page saved as PDF has its headline, below masthead and menus."""

MAX_WORDS_ABOVE_HEADLINE = 60
"""Above the headline, a saved web page has a masthead, a menu and a cookie banner; more words than this
are text (a report's cover and summary), and stay."""


def headline(stored_title: str, text: str) -> tuple[str, int]:
    """(title, where the article starts in ``text``) from the title the PDF stores and its text.

    A stored title that is a file name is no title (the text's first line will be). A stored title that
    is a line of the text's top, or such a line with a site's name after it, gives that line as the title,
    and the lines above it (masthead, menu, cookie banner) are cut when they are few."""
    title = stored_title.strip()
    if _FILE_NAME_TITLE.search(title):
        return "", 0
    wanted = normalized_words(title).split()
    offset, seen, words_above = 0, 0, 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            seen += 1
            words = normalized_words(stripped).split()
            same = len(words) >= 2 and wanted[: len(words)] == words
            if same and (len(words) == len(wanted) or _SITE_SUFFIX.match(_after_words(title, len(words)))):
                start = offset + line.index(stripped[0])
                return stripped, start if words_above <= MAX_WORDS_ABOVE_HEADLINE else 0
            words_above += len(words)
            if seen >= HEADLINE_LINES:
                break
        offset += len(line)
    return title, 0


def _after_words(text: str, count: int) -> str:
    """``text`` after its first ``count`` words."""
    matches = list(re.finditer(r"\w+", text))
    return text[matches[count - 1].end() :] if count <= len(matches) else ""
