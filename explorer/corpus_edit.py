"""Adding and removing article files in the corpus folder, safely.

The app's Corpus page lets a user upload a file or paste text. A file name
from a browser is untrusted: it must name a file *directly inside* the corpus
folder, with a supported suffix, and must not replace an existing file. New
content is read (and refused) before anything is written, and every change can
be undone, so a failed re-index leaves both the folder and the index as they
were.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
import uuid
from pathlib import Path

from explorer.corpus import SUPPORTED_SUFFIXES, CorpusReadResult, read_corpus
from explorer.errors import ExplorerError

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


def set_aside(path: Path) -> Path:
    """Hide a file from the reader (a dot name in the same folder) so its removal can be undone."""
    hidden = path.with_name(f".removed-{uuid.uuid4().hex}-{path.name}")
    os.replace(path, hidden)
    return hidden
