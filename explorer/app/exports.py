"""Results and themes as files an analyst can keep: CSV, JSON and Markdown.

Pure functions from records to text, so they are tested without Streamlit.
The text comes from articles, so each format is made safe for where it will
be opened: CSV cells that a spreadsheet would run as formulas are prefixed
with a quote, and Markdown has HTML and link syntax escaped.
"""

from __future__ import annotations

import csv
import io
import json
import re

from explorer import lexical
from explorer.records import Answer, Hit, Passage, Theme
from explorer.wording import counted

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>|#!])")


def spreadsheet_safe(value: object) -> object:
    """A cell that Excel or LibreOffice shows as text instead of evaluating (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def markdown_safe(text: str) -> str:
    """Article text for a Markdown file: no HTML, links, images or emphasis, one paragraph."""
    flat = " ".join(text.replace("&", "&amp;").split())
    return _MARKDOWN_ACTIVE.sub(r"\\\1", flat)


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()


def hits_csv(hits: list[Hit], source_paths: dict[str, str] | None = None) -> str:
    sources = source_paths or {}
    return _csv(
        ["rank", "score", "similarity", "passage_id", "article_id", "title", "source", "highlight", "text"],
        [
            [
                hit.rank,
                round(float(hit.score), 6),
                "" if hit.similarity is None else round(float(hit.similarity), 6),
                hit.passage.passage_id,
                hit.passage.article_id,
                hit.passage.title,
                sources.get(hit.passage.article_id, ""),
                hit.highlight_text,
                hit.passage.text,
            ]
            for hit in hits
        ],
    )


def passages_csv(passages: list[Passage], themes_of: dict[str, str] | None = None) -> str:
    """Passages picked by hand (on the map), with their theme."""
    themes = themes_of or {}
    return _csv(
        ["passage_id", "article_id", "title", "theme", "text"],
        [[p.passage_id, p.article_id, p.title, themes.get(p.passage_id, ""), p.text] for p in passages],
    )


def file_stem(prefix: str, words: str, limit: int = 60) -> str:
    """A download's file name without its suffix: ``prefix`` and the first words of ``words`` in plain
    lower-case letters and digits ("passages-which-armed-groups-does-tehran"), so that two questions'
    downloads do not both arrive as passages.csv."""
    slug = "-".join(re.findall(r"[a-z0-9]+", lexical.fold_accents(words).lower()))
    return f"{prefix}-{slug}"[:limit].rstrip("-") if slug else prefix


def hits_json(answer: Answer) -> str:
    """The hits as the CLI prints them for ``explorer ask --json``, with the question, the relevance verdict
    and the names no passage mentions (as in ``--queries`` output)."""
    payload = {"question": answer.question, "relevant": answer.relevant}
    if answer.unmentioned:
        payload["unmentioned"] = answer.unmentioned
    payload["hits"] = [hit.to_dict() for hit in answer.hits]
    return json.dumps(payload, ensure_ascii=False, indent=2)


def hits_markdown(answer: Answer) -> str:
    lines = [f"# Passages for: {markdown_safe(answer.question)}", ""]
    if not answer.relevant:
        lines += ["*Nothing relevant was found; these are the closest weak matches.*", ""]
    if answer.unmentioned:
        names = ", ".join(markdown_safe(name) for name in answer.unmentioned)
        lines += [f"*No passage mentions: {names}.*", ""]
    for hit in answer.hits:
        score = f"score {hit.score:.3f}"
        if hit.similarity is not None:
            score += f", similarity {hit.similarity:.3f}"
        lines += [
            f"## {hit.rank}. {markdown_safe(hit.passage.title)}",
            "",
            f"`{hit.passage.passage_id}` ({score})",
            "",
        ]
        if hit.highlight_text:
            lines += [f"**Best match:** {markdown_safe(hit.highlight_text)}", ""]
        lines += [f"> {markdown_safe(hit.passage.text)}", ""]
    return "\n".join(lines)


def themes_csv(themes: list[Theme]) -> str:
    """One row per passage with its theme, so themes can be pivoted in a spreadsheet. ``theme_id`` is the
    CLI's and the JSON's (from 0); ``theme`` is the name the app shows ("1. label"), numbered from 1."""
    from explorer.app.charts import theme_name

    return _csv(
        [
            "theme_id",
            "theme",
            "theme_label",
            "theme_keywords",
            "theme_size",
            "passage_id",
            "article_id",
            "title",
            "text",
        ],
        [
            [
                theme.theme_id,
                theme_name(theme),
                theme.label,
                "; ".join(theme.keywords),
                theme.size,
                passage.passage_id,
                passage.article_id,
                passage.title,
                passage.text,
            ]
            for theme in themes
            for passage in theme.passages
        ],
    )


def themes_json(themes: list[Theme]) -> str:
    """The same JSON as ``explorer themes --json``."""
    return json.dumps([theme.to_dict() for theme in themes], ensure_ascii=False, indent=2)


def themes_markdown(themes: list[Theme], titles: dict[str, str]) -> str:
    lines = ["# Themes", ""]
    for theme in themes:
        name = "Unassigned passages" if theme.theme_id < 0 else f"Theme {theme.theme_id + 1}: {theme.label}"
        lines += [f"## {markdown_safe(name)}", ""]
        lines += [f"{counted(theme.size, 'passage')} in {counted(len(theme.article_ids), 'article')}.", ""]
        if theme.keywords:
            lines += ["Keywords: " + markdown_safe(", ".join(theme.keywords)), ""]
        for article_id in theme.article_ids:
            lines += [f"### {markdown_safe(titles.get(article_id, article_id))}", ""]
            for passage in theme.passages:
                if passage.article_id == article_id:
                    lines += [f"- {markdown_safe(passage.text)}"]
            lines += [""]
    return "\n".join(lines)
