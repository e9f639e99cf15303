"""Read a folder or a file of articles into :class:`~explorer.records.Article` objects.

Supported: ``.txt`` and ``.md`` (first non-empty line is the title), ``.html``
(main text extracted with trafilatura), ``.pdf`` (pypdf), and ``.jsonl`` /
``.csv`` collections (fields ``id`` or ``_id``, ``title``, ``text``, optional
``date``, ``source``, ``url``). Problems with single files or records are
collected as warnings, so one bad file never stops a build; only "nothing
readable at all" is an error.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from explorer.cleaning import normalized_words
from explorer.errors import ExplorerError
from explorer.record_collections import MAX_COLLECTION_BYTES, read_csv, read_jsonl
from explorer.records import Article
from explorer.text_decoding import UNICODE_BOMS, decode_character_references, decode_text, garbled, html_text
from explorer.titles import first_title_line, looks_like_title, opens_with, title_from_stem

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt"} | MARKDOWN_SUFFIXES
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | {".pdf"}

MAX_ARTICLE_BYTES = 50 * 1024 * 1024
"""A single article file larger than this is skipped: it is a dump, not an article (split it)."""


@dataclass
class CorpusReadResult:
    """The articles found, plus one human-readable line per problem met on the way."""

    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_corpus(path: Path | str, index_dir: Path | str | None = None) -> CorpusReadResult:
    """Read every supported file under ``path`` (or ``path`` itself), in a stable order, leaving out
    ``index_dir`` and any other explorer index found inside (:func:`is_index_folder`)."""
    root = Path(path)
    if not root.exists():
        raise ExplorerError(f"{root} does not exist: give a folder or file of articles")
    files, unsupported = ([root], []) if root.is_file() else _files_under(root, index_dir)
    result = CorpusReadResult()
    if unsupported:
        result.warnings.append(_unsupported_warning(root, unsupported))
    if root.is_file() and root.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ExplorerError(
            f"{root}: unsupported file type {root.suffix or '(none)'}; "
            f"use one of {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, str] = {}
    keys = file_keys(files, root if root.is_dir() else root.parent)
    copies: list[tuple[str, str, str]] = []
    for file in files:
        for article in _read_file(file, keys[file], result.warnings):
            _add_unique(article, result, seen_ids, seen_texts, copies)
    result.warnings += _copies_warning(copies)
    if not result.articles:
        raise ExplorerError(_nothing_readable(root, result.warnings))
    return result


def _nothing_readable(root: Path, warnings: list[str]) -> str:
    """Why a corpus gave no article, in one line: the reader's own reason for a single file (the
    header lacks a 'text' column, the PDF is damaged...), else what a folder should hold."""
    formats = ", ".join(sorted(SUPPORTED_SUFFIXES))
    if root.is_file() and warnings:
        reason = "; ".join(warning.removeprefix(f"{root}: ").removeprefix("skipped, ") for warning in warnings)
        return f"no readable documents in {root}: {reason}"
    if warnings:
        return (
            f"no readable documents in {root}: {len(warnings)} problem(s) with its files, the first: "
            f"{warnings[0]}; fix them or add {formats} files"
        )
    return f"no readable documents in {root}: add {formats} files"


def is_index_folder(folder: Path) -> bool:
    """Whether ``folder`` holds an explorer index (a manifest beside ``gen-*`` generation folders)."""
    return (folder / "manifest.json").is_file() and any(
        child.is_dir() and child.name.startswith("gen-") for child in folder.iterdir()
    )


def _files_under(folder: Path, index_dir: Path | str | None = None) -> tuple[list[Path], list[Path]]:
    """(supported files, files of other types) under ``folder``, hidden ones left out, and no index: an
    index kept inside the corpus (``explorer build . --index ./idx``) would otherwise be read back as
    articles, its passages.jsonl a collection of records, and grow with every rebuild."""
    skipped = Path(index_dir).resolve() if index_dir is not None else None
    found: list[Path] = []
    others: list[Path] = []
    for current, folders, files in os.walk(folder):  # symlinked folders are not followed, as before
        here = Path(current)
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".") and (here / name).resolve() != skipped and not is_index_folder(here / name)
        )
        for name in files:
            if not name.startswith("."):
                (found if Path(name).suffix.lower() in SUPPORTED_SUFFIXES else others).append(here / name)
    return sorted(found), sorted(others)


UNSUPPORTED_LISTED = 5
"""Files of an unread type named in the build's warning; more are counted."""


def _unsupported_warning(root: Path, files: list[Path]) -> str:
    """One line for the files a folder holds that no reader takes ("alfama.docx", "prices"): skipped
    without a word, they looked indexed to whoever put them there (outside check, session 25)."""
    kinds = sorted({file.suffix.lower() or "no suffix" for file in files})
    names = ", ".join(file.relative_to(root).as_posix() for file in files[:UNSUPPORTED_LISTED])
    more = f" and {len(files) - UNSUPPORTED_LISTED} more" if len(files) > UNSUPPORTED_LISTED else ""
    return (
        f"{root}: skipped {len(files)} file(s) of a type not read ({', '.join(kinds)}): {names}{more}; "
        f"save them as {', '.join(sorted(SUPPORTED_SUFFIXES))} to index them"
    )


def file_keys(files: list[Path], root: Path) -> dict[Path, str]:
    """What names each file in ids: its stem ("2014-iran-pours-forces-into-iraq"), unless another file
    under ``root`` has the same stem. Then each of those is named by its path under ``root``, without
    the suffix where that is enough ("business/001", "sport/001"): collections are often laid out one
    folder per category with numbered files in each, and none of them may be lost to a clash of ids.
    """
    by_stem: dict[str, list[Path]] = {}
    for file in files:
        by_stem.setdefault(file.stem, []).append(file)
    keys = {}
    for stem, same in by_stem.items():
        if len(same) == 1:
            keys[same[0]] = stem
            continue
        paths = [file.relative_to(root).with_suffix("").as_posix() for file in same]
        for file, path in zip(same, paths):
            clash = paths.count(path) > 1  # "a/001.txt" beside "a/001.md": keep the suffix too
            keys[file] = file.relative_to(root).as_posix() if clash else path
    return keys


COPIES_LISTED = 5
"""Articles skipped as copies of another that are named one warning each; more are summed up in one."""


def _copies_warning(copies: list[tuple[str, str, str]]) -> list[str]:
    """One line per skipped copy (source, its id, the id kept), or for many one line that counts them:
    BBC News' raw files hold 98 copies, and 98 warnings would bury every other one."""
    if len(copies) <= COPIES_LISTED:
        return [f"{source}: skipped {copy!r}, same text as {kept!r}" for source, copy, kept in copies]
    listed = ", ".join(f"{copy!r} (same as {kept!r})" for _, copy, kept in copies[:COPIES_LISTED])
    return [f"skipped {len(copies)} articles with the same text as another, each indexed once: {listed}, ..."]


def _add_unique(
    article: Article,
    result: CorpusReadResult,
    seen_ids: dict[str, str],
    seen_texts: dict[str, str],
    copies: list[tuple[str, str, str]],
) -> None:
    """Keep ids unique and skip exact duplicate articles, saying so (``copies``: :func:`_copies_warning`)."""
    digest = hashlib.sha256(article.text.strip().encode("utf-8")).hexdigest()
    if digest in seen_texts:
        copies.append((article.source_path, article.article_id, seen_texts[digest]))
        return
    if article.article_id in seen_ids:
        result.warnings.append(
            f"{article.source_path}: skipped duplicate id {article.article_id!r} "
            f"(already used by {seen_ids[article.article_id]}); give it a unique id or file name"
        )
        return
    seen_ids[article.article_id] = article.source_path
    seen_texts[digest] = article.article_id
    result.articles.append(article)


def _read_file(file: Path, key: str, warnings: list[str]) -> Iterator[Article]:
    """The articles of one file, with ``key`` (:func:`file_keys`) naming them in their ids."""
    suffix = file.suffix.lower()
    limit = MAX_COLLECTION_BYTES if suffix in RECORD_SUFFIXES else MAX_ARTICLE_BYTES
    try:
        size = file.stat().st_size
        if size > limit:
            warnings.append(
                f"{file}: skipped, {size / 2**20:.0f} MB is over the {limit // 2**20} MB limit for {suffix} files; "
                "split it into smaller files"
            )
            return
        raw = file.read_bytes()
    except OSError as error:
        warnings.append(f"{file}: cannot be read ({error.strerror}); check its permissions")
        return
    not_text = f"{file}: skipped, looks like a binary file, not {suffix} text"
    if suffix != ".pdf" and b"\x00" in raw[:8192] and not raw.startswith(tuple(bom for bom, _ in UNICODE_BOMS)):
        warnings.append(not_text)
        return
    if suffix == ".pdf":
        yield from _optional(_read_pdf(file, key, raw, warnings))
        return
    said = len(warnings)
    if suffix in TEXT_SUFFIXES and _is_a_web_page(raw):
        suffix = ".html"  # a page saved as .txt: its markup is no text (outside check, session 25)
    text = html_text(raw, file, warnings) if suffix in HTML_SUFFIXES else decode_text(raw, file, warnings)
    if garbled(text):
        del warnings[said:]  # "N undecodable bytes replaced" is beside the point: the file is skipped
        warnings.append(not_text)
        return
    if suffix in RECORD_SUFFIXES:
        yield from (read_jsonl if suffix == ".jsonl" else read_csv)(file, key, text, warnings)
    elif suffix in HTML_SUFFIXES:
        yield from _optional(_read_html(file, key, text, warnings))
    elif suffix in MARKDOWN_SUFFIXES:
        yield from _optional(_read_markdown(file, key, text, warnings))
    else:
        yield from _optional(_read_text(file, key, text, warnings))


_WEB_PAGE_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL
)


def _is_a_web_page(raw: bytes) -> bool:
    """True when a file starts as an HTML document does ("<!DOCTYPE html>", "<html lang=...>"): a page saved
    under a .txt name was indexed as its markup, its title "<!DOCTYPE html><html ...", with no warning."""
    return _WEB_PAGE_START.match(raw[:4096]) is not None


def _optional(article: Article | None) -> Iterator[Article]:
    if article is not None:
        yield article


def _read_text(file: Path, key: str, text: str, warnings: list[str]) -> Article | None:
    text = decode_character_references(text)
    if not text.strip():
        warnings.append(f"{file}: skipped, the file is empty")
        return None
    first = first_title_line(text)
    if looks_like_title(first):
        return Article(key, first, text, source_path=str(file), headline_in_text=True)
    return Article(key, title_from_stem(file.stem), text, source_path=str(file))


def _read_markdown(file: Path, key: str, source: str, warnings: list[str]) -> Article | None:
    """A Markdown file as plain text (:mod:`explorer.markdown_text`); its front matter's title, date,
    source and address, when it has them, name the article."""
    from explorer.markdown_text import read_markdown

    document = read_markdown(source)
    title = document.first("title", "headline")
    if not title:
        return _read_text(file, key, document.text, warnings)
    if not document.text.strip():
        warnings.append(f"{file}: skipped, the file has a title but no text")
        return None
    return Article(
        key,
        title,
        document.text,
        source_path=str(file),
        date=document.first("date", "published", "pubdate"),
        source=document.first("source", "publisher", "site", "outlet"),
        url=document.first("url", "link", "canonical_url", "permalink"),
        headline_in_text=opens_with(document.text, title),
    )


def _read_html(file: Path, key: str, html: str, warnings: list[str]) -> Article | None:
    import trafilatura  # imported here: only HTML corpora pay for it

    extracted = trafilatura.extract(html, include_comments=False, include_tables=False)
    if not extracted or not has_a_sentence(extracted):
        warnings.append(f"{file}: skipped, no article text found in the HTML")
        return None
    metadata = trafilatura.extract_metadata(html)
    title = ((metadata.title if metadata and metadata.title else "") or title_from_stem(file.stem)).strip()
    extracted = without_kicker(extracted, title)
    return Article(
        key,
        title,
        extracted,
        source_path=str(file),
        headline_in_text=opens_with(extracted, title),
        date=(metadata.date or "") if metadata else "",
        source=(metadata.sitename or "") if metadata else "",
        url=(metadata.url or "") if metadata else "",
    )


MAX_KICKER_LINES = 3
MAX_KICKER_WORDS = 5


def without_kicker(text: str, title: str) -> str:
    """``text`` from its headline on, when a web page's extracted text opens with a few short lines above it:
    a section name or kicker ("Transport"), which otherwise stayed glued to the headline in the first passage,
    and the headline with it, as the text no longer opened with the title."""
    lines = text.split("\n")
    wanted = normalized_words(title)
    if not wanted:
        return text
    for number, line in enumerate(lines[: MAX_KICKER_LINES + 1]):
        if normalized_words(line) == wanted:
            above = lines[:number]
            if number and all(
                len(kicker.split()) <= MAX_KICKER_WORDS and not kicker.rstrip().endswith(".") for kicker in above
            ):
                return "\n".join(lines[number:])
            return text
    return text


SENTENCE_WORDS = 6
"""Words in the longest line of a web page's extracted text below which the page holds no article: a
page of links and a cookie banner came out as "Home / News / We use cookies. Accept"."""


def has_a_sentence(text: str) -> bool:
    """Whether some line of ``text`` is long enough to be a sentence of an article."""
    return any(len(line.split()) >= SENTENCE_WORDS for line in text.splitlines())


def _read_pdf(file: Path, key: str, raw: bytes, warnings: list[str]) -> Article | None:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from explorer.pdf_text import article_text, headline

    # pypdf logs repairs of slightly broken files ("incorrect startxref pointer") straight to stderr;
    # the user gets one warning line from us instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
        info_title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        warnings.append(f"{file}: skipped, the PDF cannot be read ({error})")
        return None
    text = article_text(pages)
    if not text.strip():
        warnings.append(f"{file}: skipped, the PDF has no text layer (scanned?); run OCR first")
        return None
    stored_title, start = headline(info_title, text)
    text = text[start:]  # a saved web page's masthead, menu and cookie banner above its headline
    first = first_title_line(text)
    first_is_headline = looks_like_title(first)
    title = stored_title or (first if first_is_headline else title_from_stem(file.stem))
    return Article(key, title, text, source_path=str(file), headline_in_text=first_is_headline and title == first)
