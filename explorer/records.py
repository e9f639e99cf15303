"""Plain data passed between the pipeline steps.

Every step (corpus -> embed -> index -> search/themes -> front ends) speaks in
these small frozen dataclasses and numpy arrays, so that no step needs to know
how another one stores things.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    """A passage returned for a question or as a related passage, with its rank."""

    rank: int
    score: float
    passage: Passage

    def to_dict(self) -> dict:
        """The JSON form of the CLI contract."""
        return {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "passage_id": self.passage.passage_id,
            "article_id": self.passage.article_id,
            "title": self.passage.title,
            "text": self.passage.text,
        }


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
            "passages": [
                {"passage_id": p.passage_id, "article_id": p.article_id, "text": p.text} for p in self.passages
            ],
        }
