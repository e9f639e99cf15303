"""JSONL and CSV collections: one article per record (fields ``id`` or ``_id``, ``title``, ``text``,
optional ``date``, ``source``, ``url``).

A bad record is skipped and counted, never fatal: each kind of problem is one warning naming its lines.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from explorer.cleaning import is_furniture
from explorer.records import Article
from explorer.text_decoding import decode_character_references, unix_newlines
from explorer.titles import looks_like_title, opens_with

MAX_COLLECTION_BYTES = 1024 * 1024 * 1024
"""JSONL/CSV collections may be large, but not larger than this in one file."""


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


def read_jsonl(file: Path, key: str, text: str, warnings: list[str]) -> Iterator[Article]:
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


def read_csv(file: Path, key: str, text: str, warnings: list[str]) -> Iterator[Article]:
    csv.field_size_limit(MAX_COLLECTION_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    problems = _RecordProblems()
    number = 1  # the line the row being read starts on: where a broken row is reported
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
            f"{file}:{number}: stopped reading, broken CSV ({error}); rows before it were indexed, "
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
    headline = opens_with(text, title)
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
