"""Markdown articles as plain text: front matter read as metadata, markup taken out.

Blog and newsroom exports (Jekyll, Hugo, Obsidian) put a YAML block with the title and date above the
story and write links, emphasis and images inline. Read as plain text, the YAML block became the first
passage and the title read ``title: "..."``; ``**bold**`` and link targets went into the embeddings and
onto the screen. The text is parsed with markdown-it-py (CommonMark) and only what a reader reads is
kept: one paragraph per block (headings, paragraphs, list items, quotes, code, the text of HTML blocks),
link text without its address, no images, scripts or inline tags. A GitHub-style table is one block, a
line per row with its cells between " | ", without the ``|---|`` rule under the header: read as
CommonMark it was one run-on line of pipes and dashes. Footnotes (mdit-py-plugins) lose their "[^1]"
markers and keep their text, as paragraphs at the end, where the page shows them. Passage offsets then point into this
plain text, as they point into the text trafilatura extracts from an HTML page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# A YAML block opening the file: "---" on the first line, closed by "---" or "..." on a line of its own.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$\r?\n?", re.S | re.M)


@dataclass(frozen=True)
class MarkdownDocument:
    text: str
    """Plain text, one block per paragraph, blocks separated by a blank line."""
    metadata: dict = field(default_factory=dict)
    """The front matter's keys, lower-cased (empty when the file has none or it is not YAML)."""

    def first(self, *names: str) -> str:
        """The first of ``names`` the front matter gives as a scalar, as text ("" if none)."""
        for name in names:
            value = self.metadata.get(name)
            if isinstance(value, dt.datetime | dt.date):
                return value.isoformat()
            if isinstance(value, str | int | float) and str(value).strip():
                return str(value).strip()
        return ""


def read_markdown(source: str) -> MarkdownDocument:
    metadata, body = _front_matter(source)
    return MarkdownDocument(plain_text(body), metadata)


def _front_matter(source: str) -> tuple[dict, str]:
    """(the front matter's keys, the rest); a first block that is not a YAML mapping stays text."""
    import yaml

    match = _FRONT_MATTER.match(source)
    if not match:
        return {}, source
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, source
    if not isinstance(data, dict):
        return {}, source
    return {str(key).lower(): value for key, value in data.items()}, source[match.end() :]


def plain_text(markdown: str) -> str:
    """What a reader reads of a Markdown document, one block per paragraph."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    blocks: list[str] = []
    rows: list[list[str]] | None = None  # the rows of the table being read
    for token in MarkdownIt("commonmark").enable("table").use(footnote_plugin).parse(markdown):
        if token.type == "table_open":
            rows = []
        elif token.type == "table_close" and rows is not None:
            blocks.append("\n".join(" | ".join(cells).rstrip() for cells in rows if any(cells)))
            rows = None
        elif token.type == "tr_open" and rows is not None:
            rows.append([])
        elif token.type == "inline" and rows is not None and rows:
            rows[-1].append(" ".join(_inline_text(token.children or []).split()))
        elif token.type == "inline":
            blocks.append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content)
        elif token.type == "html_block":
            blocks.append(_html_text(token.content))
    return "\n\n".join(text for text in (block.strip() for block in blocks) if text)


def _html_text(html: str) -> str:
    """The text of a raw HTML block (a paragraph written as ``<p>...</p>``), without scripts or styles."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return ""
    for element in root.xpath(".//script|.//style"):
        element.drop_tree()
    return " ".join(root.text_content().split())


def _inline_text(children: list) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")  # one paragraph wrapped over several lines
        elif child.type == "hardbreak":
            parts.append("\n")
        # images, inline HTML tags, footnote markers and the link markers themselves are not text a reader reads
    return "".join(parts)
