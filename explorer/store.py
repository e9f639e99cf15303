"""The index on disk: a FAISS index, passage metadata and a manifest, written atomically.

Layout (documented in docs/INDEX_FORMAT.md)::

    embeddings/
      manifest.json          what was built, with which model, and checksums
      gen-<id>/vectors.faiss FAISS inner-product index of the passage vectors (exact or approximate)
      gen-<id>/passages.jsonl one passage per line, in index row order
      gen-<id>/themes.json   themes and the 2D map, computed at build time
      gen-<id>/bm25/         the BM25 keyword index (bm25s), row-aligned with FAISS
      .lock                  held while a build writes

A build writes a complete new generation folder, then replaces manifest.json
in one rename. A reader therefore sees either the old index or the new one,
never a mix, and a build killed half-way leaves the previous index working.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from explorer import vector_index
from explorer.errors import ExplorerError, IndexMissingError
from explorer.lexical import LexicalIndex
from explorer.records import Passage

FORMAT_VERSION = 2
"""2: the manifest records the FAISS index kind (``vector_index``), which may be approximate."""
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
PASSAGES = "passages.jsonl"
THEMES = "themes.json"
LEXICAL = "bm25"
LOCK = ".lock"

REBUILD_HINT = "run `explorer build` to rebuild it"


@dataclass
class StoredIndex:
    """Everything a loaded index holds, in memory.

    ``vectors`` is a read-only view of the vectors inside ``faiss_index``
    (:func:`explorer.vector_index.vectors_of`), not a second copy.
    """

    manifest: dict
    passages: list[Passage]
    vectors: np.ndarray
    faiss_index: object
    themes: dict = field(default_factory=dict)
    lexical: LexicalIndex | None = None

    @property
    def model_id(self) -> str:
        return str(self.manifest.get("model", ""))

    @property
    def dimension(self) -> int:
        return int(self.manifest.get("dimension", 0))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def corpus_fingerprint(articles: dict[str, str]) -> str:
    """One hash over every article id and the hash of its text: changes when anything does."""
    digest = hashlib.sha256()
    for article_id in sorted(articles):
        digest.update(f"{article_id}\0{articles[article_id]}\n".encode())
    return digest.hexdigest()


def build_faiss_index(vectors: np.ndarray, kind: str = vector_index.AUTO):
    """Inner-product search (cosine on unit vectors); exact or approximate by size unless ``kind`` says."""
    return vector_index.build(vectors, vector_index.choose_kind(len(vectors), kind))


def refuse_a_file(index_dir: Path) -> None:
    """One line when the index path is a file: saying "no index there, run `explorer build`" would send
    the user to a build that fails on the same file."""
    if index_dir.exists() and not index_dir.is_dir():
        raise ExplorerError(
            f"{index_dir} is a file, not a folder: set the index to a folder "
            "(--index or EXPLORER_INDEX; it is created if missing)"
        )


def make_index_dir(index_dir: Path) -> None:
    """Create the index folder, or say in one line why it cannot be (a file in the way, no permission)."""
    refuse_a_file(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ExplorerError(
            f"cannot create the index folder {index_dir} ({reason}): set the index to a folder you can write to "
            "(--index or EXPLORER_INDEX)"
        ) from None


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's lock for a whole build, so two builds cannot interleave."""
    make_index_dir(index_dir)
    try:
        handle = (index_dir / LOCK).open("a+")
    except OSError as error:
        raise _unwritable(index_dir, error) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ExplorerError(f"another build is writing {index_dir}: wait for it to finish, then try again") from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _unwritable(index_dir: Path, error: OSError) -> ExplorerError:
    """One line for a folder the build cannot write in (read-only, not ours, disk full)."""
    reason = error.strerror or str(error)
    return ExplorerError(
        f"cannot write the index in {index_dir} ({reason}): the index there is unchanged; make the folder "
        "writable, free some space, or set another folder (--index or EXPLORER_INDEX)"
    )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_index(
    index_dir: Path,
    manifest: dict,
    passages: list[Passage],
    vectors: np.ndarray,
    themes: dict,
    lexical: LexicalIndex | None = None,
    kind: str = vector_index.AUTO,
    faiss_index=None,
) -> dict:
    """Write a new generation and switch the manifest to it in one atomic rename.

    ``kind`` is the FAISS index to build (``exact``, ``approximate``, or
    ``auto`` by size); a caller that already built it passes ``faiss_index``.
    Call it under :func:`build_lock`. Returns the manifest as written. A folder that cannot be written
    (read-only, disk full) is one clear error, and the live index is left as it was.
    """
    try:
        return _write_generation(index_dir, manifest, passages, vectors, themes, lexical, kind, faiss_index)
    except OSError as error:
        raise _unwritable(index_dir, error) from None


def _write_generation(
    index_dir: Path,
    manifest: dict,
    passages: list[Passage],
    vectors: np.ndarray,
    themes: dict,
    lexical: LexicalIndex | None,
    kind: str,
    faiss_index,
) -> dict:
    """:func:`write_index`'s work: the files into a staging folder, renamed into a generation, then the
    manifest switched to it."""
    import faiss

    make_index_dir(index_dir)
    staging = index_dir / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    passages_bytes = "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in passages).encode("utf-8")
    _write_file(staging / PASSAGES, passages_bytes)
    if faiss_index is None:
        faiss_index = build_faiss_index(vectors, kind)
    elif faiss_index.ntotal != len(passages):
        raise ValueError("the FAISS index and the passages differ in length")
    faiss.write_index(faiss_index, str(staging / VECTORS))
    with (staging / VECTORS).open("rb+") as handle:
        os.fsync(handle.fileno())
    _write_file(staging / THEMES, json.dumps(themes, ensure_ascii=False).encode("utf-8"))
    (lexical or LexicalIndex.build([p.text for p in passages])).save(staging / LEXICAL)
    for path in (staging / LEXICAL).iterdir():
        with path.open("rb+") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(staging / LEXICAL)
    _fsync_dir(staging)

    generation = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    final = index_dir / generation
    staging.rename(final)
    manifest = dict(manifest)
    manifest.update(
        format_version=FORMAT_VERSION,
        generation=generation,
        passage_count=len(passages),
        dimension=int(vectors.shape[1]),
        vector_index=vector_index.describe(faiss_index),
        files={
            path.relative_to(final).as_posix(): {"sha256": _sha256(path), "bytes": path.stat().st_size}
            for path in sorted(final.rglob("*"))
            if path.is_file()
        },
    )
    temporary = index_dir / f".{MANIFEST}.{uuid.uuid4().hex}"
    _write_file(temporary, json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
    os.replace(temporary, index_dir / MANIFEST)
    _fsync_dir(index_dir)
    _remove_stale(index_dir, keep=generation)
    return manifest


def _remove_stale(index_dir: Path, keep: str) -> None:
    """Old generations and leftovers of killed builds; only after the new manifest is live."""
    for child in index_dir.iterdir():
        stale_generation = child.name.startswith("gen-") and child.name != keep
        leftover = child.name.startswith((".staging-", f".{MANIFEST}."))
        if stale_generation or leftover:
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def read_manifest(index_dir: Path) -> dict:
    path = index_dir / MANIFEST
    refuse_a_file(index_dir)
    if not path.exists():
        raise IndexMissingError(f"no index in {index_dir}: run `explorer build` first")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ExplorerError(f"the index manifest {path} is damaged: {REBUILD_HINT}") from None
    if not isinstance(manifest, dict):
        raise ExplorerError(f"the index manifest {path} is damaged: {REBUILD_HINT}")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ExplorerError(
            f"the index in {index_dir} has format version {version}, this explorer reads "
            f"{FORMAT_VERSION}: {REBUILD_HINT}"
        )
    return manifest


def reusable_vectors(index_dir: Path) -> tuple[str, list[Passage], np.ndarray] | None:
    """(model, passages, vectors) of an index that :func:`load_index` refuses for its format version.

    After an upgrade of the explorer the next build re-embeds only what changed, instead of the whole
    corpus: the passage texts and vectors of the old index are still good when their checksums hold.
    ``None`` when there is no such index or anything about it is doubtful.
    """
    import faiss

    try:
        manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        generation = index_dir / str(manifest["generation"])
        for name in (VECTORS, PASSAGES):
            expected = manifest["files"][name]
            if _sha256(generation / name) != expected["sha256"]:
                return None
        faiss_index = faiss.read_index(str(generation / VECTORS))
        passages = [
            Passage(**json.loads(line))
            for line in (generation / PASSAGES).read_text(encoding="utf-8").splitlines()
            if line
        ]
        vectors = np.array(vector_index.vectors_of(faiss_index), dtype=np.float32)
    except (OSError, KeyError, TypeError, ValueError, RuntimeError, AttributeError):
        return None
    if len(vectors) != len(passages):
        return None
    return str(manifest.get("model", "")), passages, vectors


LOAD_ATTEMPTS = 3


def load_index(index_dir: Path, verify: bool = True) -> StoredIndex:
    """Load and check an index; any missing, truncated or altered file is reported.

    A build that finishes while the index is being read replaces the manifest and deletes the generation
    it named: the files vanish mid-read although nothing is damaged (one read in ten failed that way,
    with advice to rebuild, while builds ran in a loop). When the manifest names another generation
    by the time a read fails, the read starts again on the new one.
    """
    for attempt in range(LOAD_ATTEMPTS):
        manifest = read_manifest(index_dir)
        try:
            return _load_generation(index_dir, manifest, verify)
        except ExplorerError:
            if attempt + 1 < LOAD_ATTEMPTS and _live_generation(index_dir) != manifest.get("generation"):
                continue
            raise
    raise AssertionError("unreachable")  # the last attempt returns or raises


def _live_generation(index_dir: Path) -> str | None:
    """The generation the manifest names now (None if it cannot be read)."""
    try:
        return json.loads((index_dir / MANIFEST).read_text(encoding="utf-8")).get("generation")
    except (OSError, ValueError, AttributeError):
        return None


def _load_generation(index_dir: Path, manifest: dict, verify: bool) -> StoredIndex:
    """The index of the generation ``manifest`` names, every file checked against it."""
    import faiss

    generation = index_dir / str(manifest.get("generation", ""))
    files = manifest.get("files", {})
    if not generation.is_dir():  # the whole data folder, not just the first of its files in name order
        raise ExplorerError(f"the index data folder {generation} is missing: {REBUILD_HINT}")
    for name in sorted(set(files) | {VECTORS, PASSAGES, THEMES}):
        path = generation / name
        expected = files.get(name, {})
        if not path.is_file():
            raise ExplorerError(f"index file {path} is missing: {REBUILD_HINT}")
        if path.stat().st_size != expected.get("bytes") or (verify and _sha256(path) != expected.get("sha256")):
            raise ExplorerError(f"index file {path} is damaged (checksum mismatch): {REBUILD_HINT}")
    try:
        faiss_index = faiss.read_index(str(generation / VECTORS))
        passages = [
            Passage(**json.loads(line))
            for line in (generation / PASSAGES).read_text(encoding="utf-8").splitlines()
            if line
        ]
        themes = json.loads((generation / THEMES).read_text(encoding="utf-8"))
        lexical = LexicalIndex.load(generation / LEXICAL, len(passages)) if (generation / LEXICAL).is_dir() else None
    except (RuntimeError, ValueError, TypeError, OSError) as error:
        raise ExplorerError(f"the index in {index_dir} cannot be read ({error}): {REBUILD_HINT}") from None
    if faiss_index.ntotal != len(passages) or len(passages) != manifest.get("passage_count"):
        raise ExplorerError(f"the index in {index_dir} is inconsistent: {REBUILD_HINT}")
    if faiss_index.d != manifest.get("dimension"):
        raise ExplorerError(f"the index in {index_dir} has the wrong dimension: {REBUILD_HINT}")
    if not vector_index.matches(faiss_index, manifest.get("vector_index")):
        raise ExplorerError(
            f"the vector index in {index_dir} is not the kind its manifest records "
            f"({manifest.get('vector_index')!r}): {REBUILD_HINT}"
        )
    if lexical is None:
        raise ExplorerError(f"the index in {index_dir} has no keyword index: {REBUILD_HINT}")
    vector_index.prepare(faiss_index)
    return StoredIndex(manifest, passages, vector_index.vectors_of(faiss_index), faiss_index, themes, lexical)
