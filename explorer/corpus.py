"""Read a folder or a file of articles into :class:`~explorer.records.Article` objects.

Supported: ``.txt`` and ``.md`` (first non-empty line is the title), ``.html``
(main text extracted with trafilatura), ``.pdf`` (pypdf), and ``.jsonl`` /
``.csv`` collections (fields ``id`` or ``_id``, ``title``, ``text``, optional
``date``, ``source``, ``url``). Problems with single files or records are
collected as warnings, so one bad file never stops a build; only "nothing
readable at all" is an error.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from explorer.cleaning import is_furniture, normalized_words
from explorer.errors import ExplorerError
from explorer.records import Article

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt"} | MARKDOWN_SUFFIXES
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | {".pdf"}

MAX_TITLE_CHARS = 200

MAX_ARTICLE_BYTES = 50 * 1024 * 1024
"""A single article file larger than this is skipped: it is a dump, not an article (split it)."""

MAX_COLLECTION_BYTES = 1024 * 1024 * 1024
"""JSONL/CSV collections may be large, but not larger than this in one file."""


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
    files = [root] if root.is_file() else _supported_files(root, index_dir)
    result = CorpusReadResult()
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


def _supported_files(folder: Path, index_dir: Path | str | None = None) -> list[Path]:
    """The supported files under ``folder``, hidden ones left out, and no index: an index kept inside the
    corpus (``explorer build . --index ./idx``) would otherwise be read back as articles, its
    passages.jsonl a collection of records, and grow with every rebuild."""
    skipped = Path(index_dir).resolve() if index_dir is not None else None
    found = []
    for current, folders, files in os.walk(folder):  # symlinked folders are not followed, as before
        here = Path(current)
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".") and (here / name).resolve() != skipped and not is_index_folder(here / name)
        )
        found.extend(
            here / name
            for name in files
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
        )
    return sorted(found)


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
    if suffix != ".pdf" and b"\x00" in raw[:8192] and not raw.startswith(tuple(bom for bom, _ in _UNICODE_BOMS)):
        warnings.append(not_text)
        return
    if suffix == ".pdf":
        yield from _optional(_read_pdf(file, key, raw, warnings))
        return
    said = len(warnings)
    text = html_text(raw, file, warnings) if suffix in HTML_SUFFIXES else decode_text(raw, file, warnings)
    if garbled(text):
        del warnings[said:]  # "N undecodable bytes replaced" is beside the point: the file is skipped
        warnings.append(not_text)
        return
    if suffix in RECORD_SUFFIXES:
        yield from (_read_jsonl if suffix == ".jsonl" else _read_csv)(file, key, text, warnings)
    elif suffix in HTML_SUFFIXES:
        yield from _optional(_read_html(file, key, text, warnings))
    elif suffix in MARKDOWN_SUFFIXES:
        yield from _optional(_read_markdown(file, key, text, warnings))
    else:
        yield from _optional(_read_text(file, key, text, warnings))


GARBLED_SHARE = 0.1
"""Share of undecodable or control characters above which a file is junk, not text: random bytes without a
NUL came through as an "article" of U+FFFD, and a folder of such junk replaced the whole index."""

_GARBLED = re.compile("[\ufffd\x00-\x08\x0e-\x1f\x7f-\x9f]")


def garbled(text: str) -> bool:
    """True when more than :data:`GARBLED_SHARE` of ``text`` is U+FFFD or control characters (line
    breaks and tabs are text): what undecodable bytes become, and no article reads like that."""
    return bool(text) and len(_GARBLED.findall(text)) > GARBLED_SHARE * len(text)


def _optional(article: Article | None) -> Iterator[Article]:
    if article is not None:
        yield article


def decode_text(raw: bytes, file: Path, warnings: list[str]) -> str:
    """UTF-8 (with or without BOM), UTF-16 or UTF-32 with their BOM, else Windows-1252; as a last resort
    replace bad bytes. Line ends come out as ``\n`` (:func:`unix_newlines`)."""
    return unix_newlines(_decoded(raw, file, warnings))


_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)  # UTF-32 LE starts with UTF-16 LE's mark: test it first


def _decoded(raw: bytes, file: Path, warnings: list[str]) -> str:
    for bom, encoding in _UNICODE_BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
        warnings.append(f"{file}: not UTF-8, read as Windows-1252")
        return text
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        warnings.append(
            f"{file}: {text.count(chr(0xFFFD))} undecodable bytes replaced with U+FFFD; "
            "save the file as UTF-8 to keep them"
        )
        return text


_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def html_text(raw: bytes, file: Path, warnings: list[str]) -> str:
    """A web page's text in the encoding it declares (``<meta charset="windows-1251">``) when it is not
    UTF-8: read as Windows-1252, a Russian page came out as "Âûáîðû â ãîðîäå"."""
    try:
        return unix_newlines(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_CHARSET.search(raw[:8192])
    if declared:
        try:
            return unix_newlines(raw.decode(declared.group(1).decode("ascii")))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(raw, file, warnings)


def unix_newlines(text: str) -> str:
    """``\r\n`` (Windows) and lone ``\r`` (old Mac) line ends as ``\n``: kept, they stayed inside the
    passages' text, and a file of ``\r`` alone was one line, its title inside its only passage."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_character_references(text: str) -> str:
    """Plain text with HTML's character references decoded: "communiqu&#233;" -> "communiqué".

    Text scraped from web pages into .txt, CSV or JSONL files often keeps them (BBC News
    has "communiqu&#233;" and "fianc&#233;e"); left in, they are embedded, indexed and shown
    as written, and a search for "communiqué" misses them. Only complete references, closing
    semicolon and all, are decoded, and only once, so "AT&T" and "R&D" stay as written.
    HTML and Markdown readers decode them already.
    """
    if "&" not in text:
        return text
    return _CHARACTER_REFERENCE.sub(lambda match: html.unescape(match.group()), text)


def title_from_stem(stem: str) -> str:
    """A readable title from a file name, for articles whose first line is not a headline."""
    words = re.sub(r"^\d{4}(-\d{2}){0,2}[-_ ]+", "", stem)
    words = re.sub(r"[-_]+", " ", words).strip() or stem
    return words[:1].upper() + words[1:]


def looks_like_title(line: str) -> bool:
    """A headline is short and does not read like a sentence of body text."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_TITLE_CHARS:
        return False
    return not (stripped.endswith(".") and len(stripped.split()) > 12)


def _first_title_line(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if stripped and not is_furniture(stripped):
            return stripped
    return ""


def _opens_with(text: str, title: str) -> bool:
    """Whether the body's first line is the title itself (an HTML page's headline, a record that
    repeats its title above the story): that line is then the title, not a passage."""
    return bool(title) and normalized_words(_first_title_line(text)) == normalized_words(title)


def _read_text(file: Path, key: str, text: str, warnings: list[str]) -> Article | None:
    text = decode_character_references(text)
    if not text.strip():
        warnings.append(f"{file}: skipped, the file is empty")
        return None
    first = _first_title_line(text)
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
        headline_in_text=_opens_with(document.text, title),
    )


def _read_html(file: Path, key: str, html: str, warnings: list[str]) -> Article | None:
    import trafilatura  # imported here: only HTML corpora pay for it

    extracted = trafilatura.extract(html, include_comments=False, include_tables=False)
    if not extracted or not has_a_sentence(extracted):
        warnings.append(f"{file}: skipped, no article text found in the HTML")
        return None
    metadata = trafilatura.extract_metadata(html)
    title = ((metadata.title if metadata and metadata.title else "") or title_from_stem(file.stem)).strip()
    return Article(
        key,
        title,
        extracted,
        source_path=str(file),
        headline_in_text=_opens_with(extracted, title),
        date=(metadata.date or "") if metadata else "",
        source=(metadata.sitename or "") if metadata else "",
        url=(metadata.url or "") if metadata else "",
    )


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
    first = _first_title_line(text)
    first_is_headline = looks_like_title(first)
    title = stored_title or (first if first_is_headline else title_from_stem(file.stem))
    return Article(key, title, text, source_path=str(file), headline_in_text=first_is_headline and title == first)


@dataclass
class _RecordProblems:
    """Line numbers of a collection's records with each kind of problem, reported as one warning per kind:
    a 2,000-row CSV without ids should say so once, not 2,000 times."""

    no_text: list[int] = field(default_factory=list)
    no_id: list[int] = field(default_factory=list)
    extra_fields: list[int] = field(default_factory=list)
    broken_json: list[int] = field(default_factory=list)
    records: int = 0
    """Records (rows, JSON lines) met, read or not: none at all is worth a warning of its own, or a
    CSV holding only its header would add nothing to the index without a word."""

    def report(self, file: Path, key: str, warnings: list[str], empty: str | None) -> None:
        """One warning per kind of problem; ``empty`` says what to do about a file without records (None:
        the file has been warned about already)."""
        if not self.records and empty:
            warnings.append(f"{file}: skipped, {empty}")
        if self.no_text:
            warnings.append(
                f"{file}: skipped {len(self.no_text)} record(s) with no 'text': line(s) {_lines(self.no_text)}"
            )
        if self.extra_fields:
            warnings.append(
                f"{file}: skipped {len(self.extra_fields)} row(s) with more fields than the header: "
                f"line(s) {_lines(self.extra_fields)}"
            )
        if self.no_id:
            warnings.append(
                f"{file}: {len(self.no_id)} record(s) have no 'id' or '_id', so each is named "
                f"'{key}-LINE' by the line it starts on (line(s) {_lines(self.no_id)}); "
                "add ids to keep them stable when rows move"
            )
        if self.broken_json:
            warnings.append(f"{file}: skipped {len(self.broken_json)} broken JSON line(s): {_lines(self.broken_json)}")


def _read_jsonl(file: Path, key: str, text: str, warnings: list[str]) -> Iterator[Article]:
    problems = _RecordProblems()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        problems.records += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            problems.broken_json.append(number)
            continue
        if not isinstance(record, dict):
            problems.broken_json.append(number)
            continue
        article = _record_article(file, key, record, number, problems)
        if article is not None:
            yield article
    problems.report(file, key, warnings, empty="the file holds no records; add one JSON object per line")


def _read_csv(file: Path, key: str, text: str, warnings: list[str]) -> Iterator[Article]:
    csv.field_size_limit(MAX_COLLECTION_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    problems = _RecordProblems()
    empty = "the CSV has a header but no rows; add one row per article"
    try:
        header = reader.fieldnames
        if not header:
            warnings.append(f"{file}: skipped, the file is empty")
            return
        if "text" not in header:
            warnings.append(
                f"{file}: skipped, the CSV header has no 'text' column (found: {header}); "
                "name the column holding each article's text 'text'"
            )
            return
        while True:
            number = reader.line_num + 1  # the line the row starts on (a quoted text may span many)
            row = next(reader, None)
            if row is None:
                break
            problems.records += 1
            if None in row:
                problems.extra_fields.append(number)
                continue
            article = _record_article(file, key, row, number, problems)
            if article is not None:
                yield article
    except csv.Error as error:
        warnings.append(
            f"{file}:{reader.line_num}: stopped reading, broken CSV ({error}); rows before it were indexed, "
            "fix the quoting there to index the rest"
        )
        empty = None
    problems.report(file, key, warnings, empty)


def _record_article(file: Path, key: str, record: dict, number: int, problems: _RecordProblems) -> Article | None:
    text = record.get("text")
    if isinstance(text, str):
        text = unix_newlines(decode_character_references(text))
    if not isinstance(text, str) or not text.strip():
        problems.no_text.append(number)
        return None
    record_id = record.get("id", record.get("_id"))
    if isinstance(record_id, bool):  # JSON's true, not Python's True
        record_id = json.dumps(record_id)
    if record_id is None or str(record_id).strip() == "":
        record_id = f"{key}-{number}"
        problems.no_id.append(number)
    title = decode_character_references(str(record.get("title") or "")).strip()
    headline = _opens_with(text, title)
    if not title:
        title, headline = _title_from_body(text)
    return Article(
        article_id=str(record_id).strip(),
        title=title,
        text=text,
        source_path=f"{file}:{number}",
        date=str(record.get("date") or ""),
        source=str(record.get("source") or ""),
        url=str(record.get("url") or ""),
        headline_in_text=headline,
    )


def _title_from_body(text: str) -> tuple[str, bool]:
    """(title, whether it is the body's own first line) for a record without a title.

    A first line that stands alone above the body and reads like a headline is the title, as in a
    ``.txt`` file (BBC News rows start "No ads for Passion Oscar campaign", a blank line, the story);
    otherwise the body's start stands in for a title and the body is all indexed. Stricter than for a
    file: a first line ending in a full stop is a sentence of the body, since a record's text is more
    often the article alone.
    """
    lines = [line.strip() for line in text.strip().splitlines()]
    first_line = lines[0] if lines else ""
    if (
        len(lines) > 1
        and any(lines[1:])
        and looks_like_title(first_line)
        and not (first_line.endswith(".") and not first_line.endswith(".."))  # an ellipsis ends no sentence
        and not is_furniture(first_line)
    ):
        return first_line, True
    first = " ".join(text.split())
    return (first if len(first) <= 80 else first[:79].rstrip() + "…"), False


def _lines(numbers: list[int], most: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:most])
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")
