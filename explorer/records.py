"""Plain data passed between the pipeline steps.

Every step (corpus -> embed -> index -> search/themes -> front ends) speaks in
these small frozen dataclasses and numpy arrays, so that no step needs to know
how another one stores things.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One document as read from disk, before it is cut into passages.

    ``text`` is the article body exactly as decoded (or extracted, for HTML and
    PDF); passage offsets point into it.
    """

    article_id: str
    title: str
    text: str
    source_path: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    headline_in_text: bool = False
    """True when ``title`` is a line of ``text`` (plain text, Markdown, PDF, an HTML headline, a record that
    repeats its title): that line is not a passage."""


@dataclass(frozen=True)
class Passage:
    """A paragraph-sized piece of an article: the unit that is embedded and searched.

    ``text == article.text[start:end]`` always holds, so a passage can be found
    again in the article it came from.
    """

    passage_id: str
    article_id: str
    title: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        # Flat fields only: a shallow copy equals asdict() and is 40x faster (an index writes one per passage).
        return dict(self.__dict__)


@dataclass(frozen=True)
class Hit:
    """A passage returned for a question or as a related passage, with its rank.

    ``highlight`` is the span of ``passage.text`` (start, end) that best explains
    the match, usually one sentence; ``None`` when there is nothing to point at.
    ``similarity`` is the cosine between question (or source passage) and
    passage, comparable across modes; ``score`` is what the ranking used.
    """

    rank: int
    score: float
    passage: Passage
    highlight: tuple[int, int] | None = None
    similarity: float | None = None

    @property
    def highlight_text(self) -> str:
        if self.highlight is None:
            return ""
        start, end = self.highlight
        return self.passage.text[start:end]

    def to_dict(self) -> dict:
        """The JSON form of the CLI contract."""
        payload = {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "passage_id": self.passage.passage_id,
            "article_id": self.passage.article_id,
            "title": self.passage.title,
            "text": self.passage.text,
        }
        if self.highlight is not None:
            payload["highlight"] = self.highlight_text
            payload["highlight_span"] = list(self.highlight)
        if self.similarity is not None:
            payload["similarity"] = round(float(self.similarity), 6)
        return payload


def best_similarity(hits: list[Hit]) -> float | None:
    """The highest cosine among ``hits`` (None without any): how close the closest passage is in meaning.

    Not the first hit's: a fused ranking can put a keyword match first ("La" and "Le" of a French
    question matching an opera review) while a passage further down is closer in meaning.
    """
    known = [hit.similarity for hit in hits if hit.similarity is not None]
    return max(known) if known else None


def answers_the_question(hits: list[Hit], threshold: float) -> bool:
    """Whether ``hits`` hold an answer: the closest in meaning reaches ``threshold`` (calibrated by the
    search benchmark on the passage closest to the question); with keyword scores only, whether anything
    matched at all.

    Judge every candidate the search ranked, not the ``k`` shown: the verdict is about the question and
    the collection, and with the shown ones it changed with ``k`` (a paraphrase whose first hit lay at
    0.28 was "nothing relevant" at ``--k 1`` and answered at ``--k 2``, by its second hit at 0.38).
    """
    if not hits:
        return False
    best = best_similarity(hits)
    return hits[0].score > 0 if best is None else best >= threshold


RELATED_MIN_SIMILARITY = 0.40
"""Cosine of a paragraph to the closest paragraph of another article below which `related` calls its
matches weak. In 40-article sets of BBC News (bench/related_threshold.py), a nearest paragraph at 0.40 or
more is in the paragraph's own broad category 91% of the time; under it, one in three is from another
category altogether (68% the same, against 20% for two passages at random), and the rest are often
another story on the same broad subject."""


def weak_matches(related: list[Hit]) -> bool:
    """Whether the paragraphs :meth:`~explorer.explorer.Explorer.related` found are all weak matches:
    the closest is under :data:`RELATED_MIN_SIMILARITY` (none found is not weak: there is nothing to show)."""
    best = best_similarity(related)
    return best is not None and best < RELATED_MIN_SIMILARITY


def weak_best(related: list[Hit]) -> str:
    """The closest match's similarity beside the line it is under: "best 0.398, under 0.40" (rounded to
    two places alone, a best of 0.398 read "best 0.40" in a note saying it was under 0.40)."""
    return f"best {best_similarity(related):.3f}, under {RELATED_MIN_SIMILARITY:.2f}"


@dataclass(frozen=True)
class Answer:
    """The hits for a question plus what the user should be told about them.

    ``relevant`` is False when even the best passage is below the calibrated
    similarity threshold: the front ends then say that nothing relevant was
    found instead of presenting weak matches as answers. ``notices`` are
    one-line remarks such as "the question was truncated". ``unmentioned``:
    the names in the question that no passage of the collection mentions.
    """

    question: str
    hits: list[Hit]
    relevant: bool = True
    notices: list[str] = field(default_factory=list)
    unmentioned: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Theme:
    """A cluster of passages that talk about the same thing, with a readable label.

    ``theme_id`` -1 is the group of passages that belong to no theme.
    """

    theme_id: int
    label: str
    keywords: list[str]
    passages: list[Passage]
    article_ids: list[str]
    representative_ids: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.passages)

    def to_dict(self) -> dict:
        """The JSON form of the CLI contract."""
        return {
            "theme_id": self.theme_id,
            "label": self.label,
            "keywords": list(self.keywords),
            "size": self.size,
            "article_ids": list(self.article_ids),
            "representative_ids": list(self.representative_ids),
            # The title too (beyond the contract), as hits and `explorer passages` give it: a reader of
            # the JSON sees which article a passage comes from without a second lookup.
            "passages": [
                {"passage_id": p.passage_id, "article_id": p.article_id, "title": p.title, "text": p.text}
                for p in self.passages
            ],
        }
