"""Adding and removing article files in the corpus folder, safely.

The app's Corpus page lets a user upload a file or paste text. A file name
from a browser is untrusted: it must name a file *directly inside* the corpus
folder, with a supported suffix, and must not replace an existing file. New
content is read (and refused) before anything is written, and every change can
be undone, so a failed re-index leaves both the folder and the index as they
were.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.corpus import SUPPORTED_SUFFIXES, CorpusReadResult, read_corpus
from explorer.errors import ExplorerError
from explorer.indexing import REFIT, BuildReport, StageCallback
from explorer.passages import split_article

if TYPE_CHECKING:
    from explorer.explorer import Explorer

MAX_NAME_BYTES = 200
SUFFIX_LIST = ", ".join(sorted(SUPPORTED_SUFFIXES))


def corpus_folder(corpus_path: Path) -> Path:
    """The folder articles are added to (created when missing); a single-file corpus cannot grow."""
    folder = Path(corpus_path)
    if folder.exists() and not folder.is_dir():
        raise ExplorerError(
            f"the corpus {folder} is a single file: set EXPLORER_CORPUS to a folder to add or remove articles"
        )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe_file_name(filename: str) -> str:
    """The name itself if it is a plain, supported file name; otherwise a one-line refusal."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    if not name:
        raise ExplorerError("the file has no name: give it a name such as article.txt")
    if "/" in name or "\\" in name or "\x00" in name or name in {".", ".."} or re.match(r"^[A-Za-z]:", name):
        raise ExplorerError(
            f"refused file name {name!r}: it points outside the corpus folder; "
            "upload a plain file name such as article.txt"
        )
    if any(not ch.isprintable() for ch in name):
        raise ExplorerError(f"refused file name {name!r}: it contains control characters; rename the file")
    if name.startswith("."):
        raise ExplorerError(f"refused file name {name!r}: hidden files are not indexed; rename it without the dot")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise ExplorerError(f"the file name is longer than {MAX_NAME_BYTES} bytes: shorten it")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ExplorerError(f"{name}: unsupported file type {suffix or '(none)'}; use one of {SUFFIX_LIST}")
    return name


def target_path(folder: Path, filename: str) -> Path:
    """Where an uploaded file goes: directly inside ``folder``, never elsewhere."""
    name = safe_file_name(filename)
    target = folder / name
    if target.resolve().parent != folder.resolve():
        raise ExplorerError(f"refused file name {name!r}: it points outside the corpus folder")
    if target.exists() or target.is_symlink():
        raise ExplorerError(f"{name} is already in the corpus: remove that article first, or rename the new file")
    return target


def file_name_for_title(title: str, suffix: str = ".txt") -> str:
    """A readable, safe file name for pasted text: ``"Iran's army!"`` -> ``irans-army.txt``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower().replace("'", "")).strip("-")[:80].strip("-")
    return f"{slug or 'article-' + uuid.uuid4().hex[:8]}{suffix}"


def read_upload(filename: str, data: bytes) -> CorpusReadResult:
    """Read the new file on its own, before it touches the corpus; refuse if nothing is indexable."""
    name = safe_file_name(filename)
    with tempfile.TemporaryDirectory(prefix="explorer-upload-") as scratch:
        probe = Path(scratch) / name
        probe.write_bytes(data)
        try:
            result = read_corpus(probe)
        except ExplorerError:
            result = CorpusReadResult()
    if not result.articles:
        raise ExplorerError(f"{name}: nothing to index; the file is empty or has no readable text")
    if not any(split_article(article) for article in result.articles):
        # Indexed anyway, it would be an article of no passages: listed, counted, never found.
        raise ExplorerError(f"{name}: nothing to index besides the title; add the article's text below it")
    # Warnings name the scratch path; say the upload's name instead.
    result.warnings = [warning.replace(str(probe), name) for warning in result.warnings]
    return result


def write_new_file(target: Path, data: bytes) -> None:
    """Write under a hidden temporary name (never indexed), then rename into place."""
    temporary = target.parent / f".upload-{uuid.uuid4().hex}{target.suffix}"
    try:
        with temporary.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            raise ExplorerError(f"{target.name} is already in the corpus: remove that article first")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def file_of(source_path: str) -> str:
    """The file part of an article's source: records of a collection are ``file.jsonl:LINE``."""
    match = re.fullmatch(r"(.+):\d+", source_path)
    if match and Path(match.group(1)).suffix.lower() in SUPPORTED_SUFFIXES:
        return match.group(1)
    return source_path


def source_file(folder: Path, source_path: str) -> Path:
    """The corpus file an indexed article came from; refuses anything outside the corpus folder."""
    root = folder.resolve()
    candidates = [Path(source_path), folder / Path(source_path).name]
    for candidate in candidates:
        if candidate.is_file():
            resolved = candidate.resolve()
            if resolved == root or root not in resolved.parents:
                raise ExplorerError(
                    f"{source_path} is outside the corpus folder {folder}: remove it there, then rebuild"
                )
            return resolved
    raise ExplorerError(f"{source_path} is no longer in {folder}: rebuild the index from the corpus folder")


def sharing_its_file(articles: dict[str, dict], article_id: str) -> list[str]:
    """The other articles read from the file ``article_id`` came from (records of one CSV or JSONL file):
    removing the article would delete them too, so it is refused while there are any."""
    source_path = file_of(str(articles.get(article_id, {}).get("source_path", "")))
    return [
        other
        for other, data in articles.items()
        if other != article_id and file_of(str(data.get("source_path", ""))) == source_path
    ]


def set_aside(path: Path) -> Path:
    """Hide a file from the reader (a dot name in the same folder) so its removal can be undone."""
    hidden = path.with_name(f".removed-{uuid.uuid4().hex}-{path.name}")
    os.replace(path, hidden)
    return hidden


# -- edits of an explorer's corpus, re-indexed at once ----------------------------


def add_document(
    explorer: Explorer, filename: str, data: bytes, on_stage: StageCallback | None = None, themes: str = REFIT
) -> tuple[Path, BuildReport]:
    """Save a new article file into the corpus folder and re-index.

    The name must be a plain supported file name (no folders: path
    traversal is refused), must not replace an existing file, and the
    content must hold readable text that is not already indexed.
    """
    folder = corpus_folder(Path(explorer.settings.corpus_path))
    target = target_path(folder, filename)
    upload = read_upload(target.name, data)
    _refuse_indexed(explorer, upload.articles, target.name)
    write_new_file(target, data)
    try:
        report = explorer.build(folder, on_stage, themes)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target, report


def remove_document(
    explorer: Explorer, article_id: str, on_stage: StageCallback | None = None, themes: str = REFIT
) -> BuildReport:
    """Delete an article's file from the corpus folder and re-index (restored if the build fails)."""
    articles = explorer.articles()
    info = articles.get(article_id)
    if info is None:
        raise ExplorerError(f"no article {article_id!r} in the index: list them with `explorer articles`")
    if len(articles) == 1:
        raise ExplorerError("this is the only article: add another one before removing it")
    source_path = file_of(str(info.get("source_path", "")))
    sharing = sharing_its_file(articles, article_id)
    if sharing:
        raise ExplorerError(
            f"{article_id!r} is one of {len(sharing) + 1} articles in {Path(source_path).name}: "
            "delete its record from that file, then rebuild"
        )
    folder = corpus_folder(Path(explorer.settings.corpus_path))
    source = source_file(folder, source_path)
    hidden = set_aside(source)
    try:
        report = explorer.build(folder, on_stage, themes)
    except BaseException:
        hidden.replace(source)
        raise
    hidden.unlink(missing_ok=True)
    return report


def _refuse_indexed(explorer: Explorer, new_articles: list, name: str) -> None:
    """An upload that repeats an indexed article's id or text would be skipped silently: say so now."""
    if not explorer.has_index():
        return
    try:
        indexed = explorer.articles()
    except ExplorerError:
        return  # a damaged index is rebuilt by the build that follows
    by_hash = {data.get("sha256"): article_id for article_id, data in indexed.items()}
    for article in new_articles:
        if article.article_id in indexed:
            raise ExplorerError(
                f"{name}: an article with id {article.article_id!r} is already indexed "
                f"(from {Path(indexed[article.article_id].get('source_path', '')).name}); "
                "remove it first or rename the file"
            )
        same = by_hash.get(hashlib.sha256(article.text.encode("utf-8")).hexdigest())
        if same is not None:
            raise ExplorerError(f"{name}: the same text is already indexed as {same!r}")
