"""Showing untrusted article text safely in Streamlit.

Article text and titles come from scraped pages and uploads. Rendered as
Markdown they could inject links, images or HTML, so everything from an
article goes through :func:`escape_markdown` (or ``html.escape`` where HTML is
built) before it reaches ``st.markdown``.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~:$])")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally: no links, images, HTML or emphasis."""
    escaped = html.escape(text, quote=False)  # & < > as entities: never a tag
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", escaped)
    # Keep paragraph breaks; single newlines would otherwise join lines.
    return re.sub(r"\n\s*\n", "\n\n", escaped).replace("\n", "  \n")


def short(text: str, limit: int = 90) -> str:
    """The start of a passage, on one line, for pickers and hovers."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
