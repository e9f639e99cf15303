"""Writing the index: build it from a corpus, and refit themes an edit left stale.

The :class:`~explorer.explorer.Explorer` facade owns one :class:`Indexer` and
reloads what it wrote; the CLI and the app never call it directly. A build
redoes only what changed (explorer/incremental.py): unchanged articles keep
their passages and unchanged passages their vectors, while what is computed
over the whole corpus (BM25 statistics, themes and the map) is computed again,
or, for an edit made in the app, the themes are carried over
(explorer/theme_placement.py) and refitted later by :meth:`Indexer.refresh_themes`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from explorer import incremental, store, vector_index
from explorer.corpus import read_corpus
from explorer.embed import Embedder, same_model
from explorer.errors import ExplorerError
from explorer.language import language_warnings
from explorer.lexical import LexicalIndex
from explorer.records import Passage
from explorer.settings import Settings
from explorer.theme_placement import place_passages
from explorer.wording import counted

StageCallback = Callable[[str, float], None]
"""Called with a stage description and a fraction done (0..1), for progress bars."""

REFIT = "refit"
PLACE = "place"
"""Build options for the themes: fit them again, or place new passages in the existing ones."""


def fit_themes(
    passages: list[Passage],
    vectors: np.ndarray,
    encode: Callable[..., np.ndarray],
    random_state: int,
    n_themes: int | None = None,
    stage: StageCallback | None = None,
) -> dict:
    """themes.json for these passages: a full :class:`~explorer.themes.ThemeModel` fit, at the default
    number of themes (a build) or at ``n_themes`` (a reader asking for finer themes than the build made).

    ``encode`` is the index's model (``Embedder.encode``, called with ``progress=``), which ranks each
    theme's keyphrases by meaning."""
    from explorer.theme_payload import themes_payload
    from explorer.themes import ThemeModel  # scikit-learn: only fits need it

    def progress(done: int, total: int) -> None:
        if stage is not None:
            stage(f"labelling themes ({done}/{total} keyphrases)", 0.88)

    def encode_keyphrases(phrases: list[str]) -> np.ndarray:
        # The same model embeds each theme's keyphrase candidates, to rank them by meaning.
        return encode(phrases, progress=progress)

    model = ThemeModel(n_themes=n_themes, random_state=random_state, encode=encode_keyphrases).fit(
        vectors, [p.text for p in passages], [p.article_id for p in passages]
    )
    return themes_payload(model, passages)


@dataclass
class BuildReport:
    """What a build did, for the user: counts, reuse, and any problems with input files."""

    articles: int
    passages: int
    embedded: int
    reused: int
    added_articles: list[str] = field(default_factory=list)
    changed_articles: list[str] = field(default_factory=list)
    removed_articles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed_titles: dict[str, str] = field(default_factory=dict)
    """The removed articles' titles, which the new index no longer holds (the app names articles by title)."""

    def summary(self) -> str:
        return (
            f"indexed {counted(self.passages, 'passage')} from {counted(self.articles, 'article')} "
            f"({self.embedded} embedded, {self.reused} reused; "
            f"{len(self.added_articles)} added, {len(self.changed_articles)} changed, "
            f"{len(self.removed_articles)} removed)"
        )

    def changes(self) -> list[tuple[str, list[str]]]:
        """("added" | "changed" | "removed", article ids, sorted) for each kind of change the build made:
        what the CLI lists by id and the app by title."""
        kinds = (("added", self.added_articles), ("changed", self.changed_articles), ("removed", self.removed_articles))
        return [(verb, sorted(ids)) for verb, ids in kinds if ids]


def _split_keys(previous: store.StoredIndex | None) -> dict[str, str]:
    """Article id -> the passages key the previous build recorded (see explorer/incremental.py)."""
    articles = previous.manifest.get("articles", {}) if previous is not None else {}
    return {article_id: str(info.get("passages_key", "")) for article_id, info in articles.items()}


def check_model(index: store.StoredIndex, embedder: Embedder, index_dir: Path) -> None:
    """Refuse to compare vectors of this model with passages embedded by another."""
    built_with = index.model_id
    if not same_model(built_with, embedder.model_id) or index.dimension != embedder.dimension:
        raise ExplorerError(
            f"the index in {index_dir} was built with model {built_with} "
            f"({index.dimension} dimensions) but the explorer is set to "
            f"{embedder.model_id} ({embedder.dimension}): run `explorer build` "
            "to rebuild it, or set EXPLORER_MODEL to the model it was built with"
        )


class Indexer:
    """Builds one index directory with one model; the facade reloads after each call."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder

    @property
    def index_dir(self) -> Path:
        return Path(self.settings.index_dir)

    def build(
        self, path: Path | str | None = None, on_stage: StageCallback | None = None, themes: str = REFIT
    ) -> BuildReport:
        """Make the index mirror ``path``: embed new and changed passages, drop removed ones.

        Only what changed is cut into passages and embedded (explorer/incremental.py);
        keywords and BM25 statistics are computed again over all passages. ``themes``:
        ``"refit"`` fits the themes and the map again; ``"place"`` keeps the previous
        themes, puts new passages in their nearest theme and marks them stale, for a later
        :meth:`refresh_themes` (explorer/theme_placement.py: what the app does after one edit).
        """
        if themes not in (REFIT, PLACE):
            raise ExplorerError(f"unknown themes option {themes!r}: use {REFIT!r} or {PLACE!r}")
        stage = on_stage or (lambda message, fraction: None)
        source = Path(path) if path is not None else Path(self.settings.corpus_path)
        stage("reading articles", 0.0)
        corpus = read_corpus(source, self.index_dir)
        if not self.settings.model:  # the bundled all-MiniLM-L6-v2, an English model
            corpus.warnings.extend(language_warnings(corpus.articles))
        embedder = self.embedder
        with store.build_lock(self.index_dir):
            previous, unreadable = self._previous_index()
            if unreadable:
                corpus.warnings.append(
                    f"the index in {self.index_dir} could not be read ({unreadable}); rebuilt in full"
                )
            stage("cutting articles into passages", 0.02)
            passages, split_keys, _ = incremental.split_reusing(
                corpus.articles,
                _split_keys(previous),
                previous.passages if previous is not None else [],
                embedder.model_id,
                embedder.count_tokens,
                embedder.max_tokens - 2,
            )
            with_passages = {p.article_id for p in passages}
            corpus.warnings.extend(
                f"{a.source_path}: nothing to index besides the title {a.title!r}"
                for a in corpus.articles
                if a.article_id not in with_passages
            )
            if not passages:
                raise ExplorerError(
                    f"nothing to index in {source}: only a title ({corpus.articles[0].title!r}) with no text below "
                    "it; add the article's text"
                    if len(corpus.articles) == 1
                    else f"nothing to index in {source}: each of its {len(corpus.articles)} articles is a title "
                    "without text; add the articles' text below their titles"
                )
            # An article of no passages would be listed and counted, never found.
            corpus.articles = [a for a in corpus.articles if a.article_id in with_passages]
            cache = self._vector_cache(previous, embedder.model_id)
            keys = [incremental.text_key(embedder.model_id, p.text) for p in passages]
            missing = sorted({key: p.text for key, p in zip(keys, passages) if key not in cache}.items())
            stage(f"embedding {len(missing)} new passages", 0.05)

            def embedding_progress(done: int, total: int) -> None:
                stage(f"embedding passages ({done}/{total})", 0.05 + 0.8 * done / max(total, 1))

            if missing:
                new_vectors = embedder.encode([text for _, text in missing], progress=on_stage and embedding_progress)
                cache.update({key: vector for (key, _), vector in zip(missing, new_vectors)})
            vectors = (
                np.vstack([cache[key] for key in keys]).astype(np.float32)
                if keys
                else np.zeros((0, embedder.dimension), dtype=np.float32)
            )
            # Placing needs the previous themes to describe the previous passages, row for row.
            placeable = (
                previous is not None
                and same_model(previous.model_id, embedder.model_id)
                and len(previous.themes.get("assignments") or []) == len(previous.passages)
                and len(previous.themes.get("map") or []) == len(previous.passages)
            )
            if themes == PLACE and placeable:
                stage("placing new passages in the themes", 0.86)
                payload = place_passages(
                    previous.themes, [p.passage_id for p in previous.passages], previous.vectors, passages, vectors
                )
            else:
                stage("finding themes", 0.86)
                payload = self._fit_themes(passages, vectors, stage)
            stage("building the keyword index", 0.92)
            lexical = LexicalIndex.build([p.text for p in passages])
            article_hashes = {a.article_id: hashlib.sha256(a.text.encode("utf-8")).hexdigest() for a in corpus.articles}
            manifest = {
                "model": embedder.model_id,
                "model_dir_name": getattr(embedder, "model_dir", Path(embedder.model_id)).name,
                # Absolute: the app compares it with its own corpus folder from another working directory
                # ("built from coll" beside EXPLORER_CORPUS=/tmp/x/coll was a false "another folder" warning).
                "corpus_path": str(source.resolve()),
                "corpus_fingerprint": store.corpus_fingerprint(article_hashes),
                "article_count": len(corpus.articles),
                "articles": {
                    a.article_id: {
                        "title": a.title,
                        "sha256": article_hashes[a.article_id],
                        "source_path": a.source_path,
                        "passages_key": split_keys[a.article_id],
                    }
                    for a in corpus.articles
                },
                "random_state": self.settings.random_state,
            }
            stage("writing the index", 0.96)
            kind = vector_index.choose_kind(len(passages), self.settings.vector_index, self.settings.approximate_above)
            store.write_index(self.index_dir, manifest, passages, vectors, payload, lexical=lexical, kind=kind)
        stage("done", 1.0)
        return self._report(corpus, passages, previous, len(missing), article_hashes)

    def _fit_themes(self, passages: list[Passage], vectors: np.ndarray, stage: StageCallback) -> dict:
        """themes.json for these passages: a full :class:`~explorer.themes.ThemeModel` fit."""
        return fit_themes(passages, vectors, self.embedder.encode, self.settings.random_state, stage=stage)

    def refresh_themes(self, on_stage: StageCallback | None = None) -> bool:
        """Refit stale themes over the index as it is; everything else is written back unchanged.

        Returns whether there was anything to do. Afterwards the themes are exactly those
        a full build of the same corpus gives.
        """
        stage = on_stage or (lambda message, fraction: None)
        with store.build_lock(self.index_dir):
            index = store.load_index(self.index_dir)
            if not index.themes.get("stale"):
                return False
            check_model(index, self.embedder, self.index_dir)
            stage("finding themes", 0.1)
            payload = self._fit_themes(index.passages, np.asarray(index.vectors, dtype=np.float32), stage)
            stage("writing the index", 0.95)
            # write_index renews the generation, counts and checksums; the rest of the manifest stays.
            store.write_index(
                self.index_dir,
                index.manifest,
                index.passages,
                index.vectors,
                payload,
                lexical=index.lexical,
                faiss_index=index.faiss_index,
            )
        stage("done", 1.0)
        return True

    def _previous_index(self) -> tuple[store.StoredIndex | None, str]:
        """The index already on disk, if it is readable, and why not, if it is not: a broken one is
        rebuilt, and the reader is told, since every article then counts as added."""
        if not (self.index_dir / store.MANIFEST).exists():
            return None, ""
        try:
            return store.load_index(self.index_dir), ""
        except ExplorerError as error:
            return None, str(error).split(":")[0]

    def _vector_cache(self, previous: store.StoredIndex | None, model_id: str) -> dict[str, np.ndarray]:
        """Vectors of the previous build, keyed by model and passage text; from an index of an older
        format too (:func:`store.reusable_vectors`), so an upgrade does not re-embed the corpus."""
        if previous is not None:
            built_with, passages, vectors = previous.model_id, previous.passages, previous.vectors
        else:
            older = store.reusable_vectors(self.index_dir)
            if older is None:
                return {}
            built_with, passages, vectors = older
        if not same_model(built_with, model_id):
            return {}
        return incremental.vector_cache(passages, vectors, model_id)

    @staticmethod
    def _report(corpus, passages, previous, embedded: int, new_hashes: dict[str, str]) -> BuildReport:
        old = previous.manifest.get("articles", {}) if previous else {}
        new = {a.article_id: a for a in corpus.articles}
        removed = sorted(set(old) - set(new))
        return BuildReport(
            articles=len(corpus.articles),
            passages=len(passages),
            embedded=embedded,
            reused=len(passages) - embedded,
            added_articles=sorted(set(new) - set(old)),
            changed_articles=sorted(
                a
                for a in set(new) & set(old)
                if old[a].get("sha256") != new_hashes[a] or old[a].get("title") != new[a].title  # a retitled record
            ),
            removed_articles=removed,
            warnings=list(corpus.warnings),
            removed_titles={a: old[a].get("title", "") for a in removed},
        )
