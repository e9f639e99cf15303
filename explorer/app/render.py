"""Showing untrusted article text safely in Streamlit.

Article text and titles come from scraped pages and uploads. Rendered as
Markdown they could inject links, images or HTML, so everything from an
article goes through :func:`escape_markdown` before it reaches ``st.markdown``,
or through :func:`passage_html` / :func:`escape_html` before it reaches
``st.html``. Highlighting is done on the escaped pieces: the only tags in the
output are the ones built here.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~:$])")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally: no links, images, HTML or emphasis."""
    escaped = html.escape(text, quote=False)  # & < > as entities: never a tag
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", escaped)
    # Keep paragraph breaks; single newlines would otherwise join lines.
    return _PARAGRAPH_BREAK.sub("\n\n", escaped).replace("\n", "  \n")


def escape_html(text: str) -> str:
    """Text as HTML character data and attribute values: ``& < > " '`` become entities."""
    return html.escape(text, quote=True)


def _html_lines(text: str) -> str:
    """Escaped text with paragraph breaks and line breaks kept visible."""
    escaped = escape_html(text)
    return _PARAGRAPH_BREAK.sub("<br><br>", escaped).replace("\n", "<br>")


def highlight_html(text: str, span: tuple[int, int] | None) -> str:
    """``text`` as safe HTML with ``text[start:end]`` wrapped in ``<mark>``.

    Each piece is escaped on its own before the tag is added, so an entity is
    never cut in half and nothing in the text can close or open a tag. A span
    outside the text (or empty) is ignored rather than trusted.
    """
    if span is None:
        return _html_lines(text)
    start, end = span
    if not (0 <= start < end <= len(text)):
        return _html_lines(text)
    return f"{_html_lines(text[:start])}<mark>{_html_lines(text[start:end])}</mark>{_html_lines(text[end:])}"


PASSAGE_STYLE = (
    "<style>"
    ".sse-passage{line-height:1.55;overflow-wrap:anywhere;word-break:break-word;margin:0.1rem 0 0.3rem 0;}"
    ".sse-passage mark{background:#fde68a;color:inherit;padding:0 0.1rem;border-radius:0.2rem;}"
    ".sse-passage.sse-clamp{display:-webkit-box;-webkit-line-clamp:8;-webkit-box-orient:vertical;overflow:hidden;}"
    ".sse-fold>summary{list-style:none;cursor:pointer;}"
    ".sse-fold>summary::-webkit-details-marker{display:none;}"
    ".sse-fold>summary::after{content:'Show all';font-size:0.85rem;color:#1c64f2;}"
    ".sse-fold[open]>summary::after{content:'Show less';}"
    ".sse-fold[open]>summary>.sse-passage{display:none;}"
    "</style>"
)
"""CSS for passages: long unbroken tokens wrap instead of widening the page; a folded passage opens in place."""

CLAMP_FROM = 360
"""Characters from which a passage shown side by side is folded to its first lines (about eight lines of a
third of the page), with "Show all" to read the rest where it stands."""


def passage_html(text: str, span: tuple[int, int] | None = None, clamp: bool = False) -> str:
    """A passage as an HTML block for ``st.html``, with its highlight, all text escaped. With ``clamp``, a
    long passage shows its first lines and opens in place (``<details>``: no script, no rerun)."""
    body = highlight_html(text, span)
    if not clamp or len(text) < CLAMP_FROM:
        return f'{PASSAGE_STYLE}<div class="sse-passage">{body}</div>'
    return (
        f'{PASSAGE_STYLE}<details class="sse-fold"><summary><div class="sse-passage sse-clamp">{body}</div>'
        f'</summary><div class="sse-passage">{body}</div></details>'
    )


def short(text: str, limit: int = 90) -> str:
    """The start of a passage, on one line, for pickers and hovers."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def article_label(articles: dict[str, dict], article_id: str) -> str:
    """What a picker shows for an article: its title (plain text; pickers do not render Markdown), else its
    id (an article just removed, or one without a title)."""
    return articles.get(article_id, {}).get("title") or article_id


def article_labels(articles: dict[str, dict], article_ids: Iterable[str] | None = None) -> dict[str, str]:
    """:func:`article_label` of each article (all of ``articles`` by default), with the id added where two
    share a title: charts key their rows and columns by these, and BBC News' two "Games win for Blu-ray DVD
    format" stories became one heatmap row with both articles' numbers drawn over each other."""
    labels = {a: article_label(articles, a) for a in (articles if article_ids is None else article_ids)}
    repeated = {label for label, n in Counter(labels.values()).items() if n > 1}
    return {a: f"{label} ({a})" if label in repeated else label for a, label in labels.items()}
