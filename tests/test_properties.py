"""Property-based tests (hypothesis) for reading and splitting: nothing lost, ids stable, offsets exact."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.cleaning import mark_repeats, paragraph_blocks
from explorer.corpus import read_corpus
from explorer.passages import split_article
from explorer.records import Article

WORDS = st.sampled_from(
    ["Iran", "Iraq", "militia", "U.S.", "Gen.", "said", "the", "forces", "«quote»", "مرحبا", "שלום", "🚀", "x" * 30]
    + list(string.ascii_lowercase)
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=30).map(" ".join).map(lambda s: s + ".")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=12).map(" ".join)
SEPARATOR = st.sampled_from(["\n", "\n\n", "\n\n\n", "\n  \n", "\r\n\r\n"])


@st.composite
def article_texts(draw) -> str:
    paragraphs = draw(st.lists(PARAGRAPH, min_size=1, max_size=12))
    separators = draw(st.lists(SEPARATOR, min_size=len(paragraphs), max_size=len(paragraphs)))
    return "".join(p + sep for p, sep in zip(paragraphs, separators))


def small_window(text: str) -> int:
    return len(text.split())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_texts(), st.integers(min_value=8, max_value=120))
def test_passages_cover_the_kept_text_with_exact_offsets(text, window):
    article = Article("doc", "A title", text)
    passages = split_article(article, small_window, window)
    covered = [False] * len(text)
    previous_end = 0
    for passage in passages:
        assert text[passage.start : passage.end] == passage.text
        assert passage.start >= previous_end  # in reading order, no overlap
        previous_end = passage.end
        for i in range(passage.start, passage.end):
            covered[i] = True
    for block in mark_repeats(text, paragraph_blocks(text), article.title):
        if block.kept:
            lost = [i for i in range(block.start, block.end) if not text[i].isspace() and not covered[i]]
            assert not lost, repr(text[block.start : block.end])


@settings(max_examples=100, deadline=None)
@given(article_texts())
def test_ids_are_unique_and_stable(text):
    first = split_article(Article("doc", "T", text))
    second = split_article(Article("doc", "T", text))
    assert [p.passage_id for p in first] == [p.passage_id for p in second]
    assert len({p.passage_id for p in first}) == len(first)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_in_a_file_never_crash_reading(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "doc.txt").write_bytes(b"Title\n\nSome readable text to index here.\n")
    (folder / "noise.txt").write_bytes(data)
    (folder / "noise.jsonl").write_bytes(data)
    (folder / "noise.csv").write_bytes(data)
    result = read_corpus(folder)
    assert "doc" in {a.article_id for a in result.articles}
    for article in result.articles:
        split_article(article)
