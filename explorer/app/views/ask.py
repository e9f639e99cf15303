"""Ask: a question in, ranked passages out, as cards with the best-matching sentence marked."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from explorer.app import exports, links, navigation, state
from explorer.app.render import article_label, escape_markdown, short
from explorer.app.widgets import FOCUS_KEY, cached_query, download_buttons, hit_card, source_name
from explorer.errors import ExplorerError
from explorer.explorer import MAX_K
from explorer.records import Answer, answers_the_question, best_similarity
from explorer.wording import counted

MODES = {
    "hybrid": "Words and meaning (hybrid)",
    "dense": "Meaning only",
    "lexical": "Exact words only (BM25)",
}
EXAMPLE = "Which armed groups does Tehran work through?"
# Characters of the question repeated above the answer: a pasted paragraph of 2,000 pushed the results
# below the fold. (Comments, not docstrings, in page scripts: see tests/test_app_render.py.)
QUESTION_SHOWN = 160


def _mode(text: str) -> str:
    if text not in MODES:
        raise ValueError(text)
    return text


def _results(text: str) -> int:
    if not 1 <= int(text) <= 50:
        raise ValueError(text)
    return int(text)


def sidebar(articles: dict[str, dict]) -> dict:
    # A shared link keeps the search mode and the number of results when they are not the defaults.
    links.restore("ask_mode", "mode", _mode)
    links.restore("ask_k", "k", _results)
    st.session_state.setdefault("ask_k", 10)  # a default beside a kept value makes Streamlit log a warning
    st.sidebar.slider("Results", 1, 50, key="ask_k")
    known = set(articles)
    if any(a not in known for a in st.session_state.get("ask_articles", [])):
        st.session_state["ask_articles"] = [a for a in st.session_state["ask_articles"] if a in known]
    st.sidebar.multiselect(
        "Only these articles",
        sorted(articles, key=lambda a: article_label(articles, a).lower()),
        format_func=lambda a: article_label(articles, a),
        key="ask_articles",
        placeholder="All articles",
    )
    with st.sidebar.expander("Search options"):
        st.radio("Match by", list(MODES), format_func=MODES.get, key="ask_mode")
        st.toggle("Best passage per article", key="ask_per_article")
        st.toggle("Diversify: skip near-duplicates", key="ask_diversify")
    links.remember("mode", None if st.session_state["ask_mode"] == "hybrid" else st.session_state["ask_mode"])
    links.remember("k", None if st.session_state["ask_k"] == 10 else st.session_state["ask_k"])
    return {
        "k": st.session_state["ask_k"],
        "articles": st.session_state["ask_articles"],
        "mode": st.session_state["ask_mode"],
        "per_article": st.session_state["ask_per_article"],
        "diversify": st.session_state["ask_diversify"],
    }


def answer_question(shared: state.SharedExplorer, question: str, options: dict) -> Answer:
    """The answer, restricted to the chosen articles, its relevance judged on what is left.

    The facade ranks every article; with a filter the app asks for a deep
    ranking (up to MAX_K) and keeps the chosen articles' passages.
    """
    k = options["k"]
    wanted = set(options["articles"])
    pool = k if not wanted else min(MAX_K, len(shared.passages()))
    answer = cached_query(
        str(shared.index_dir),
        shared.version(),
        question,
        pool,
        options["mode"],
        options["diversify"],
        options["per_article"],
        shared,
    )
    if not wanted:
        return answer
    chosen = [hit for hit in answer.hits if hit.passage.article_id in wanted]
    relevant = answers_the_question(chosen, shared.settings.relevance_threshold)  # all of them, whatever k
    hits = [replace(hit, rank=rank) for rank, hit in enumerate(chosen[:k], start=1)]
    return replace(answer, hits=hits, relevant=relevant)


def downloads(answer: Answer, articles: dict[str, dict]) -> None:
    sources = {a: source_name(articles, a) for a in articles}
    stem = exports.file_stem("passages", answer.question)
    download_buttons(
        [
            ("CSV", exports.hits_csv(answer.hits, sources), f"{stem}.csv", "text/csv"),
            (
                "JSON",
                exports.hits_json(answer),
                f"{stem}.json",
                "application/json",
            ),
            (
                "Markdown",
                exports.hits_markdown(answer),
                f"{stem}.md",
                "text/markdown",
            ),
        ],
        key="ask-download",
    )


def show_cards(answer: Answer, articles: dict[str, dict], weak_below: float | None = None) -> None:
    for hit in answer.hits:
        if hit_card(hit, articles, key=f"ask-{hit.passage.passage_id}", weak_below=weak_below):
            st.session_state[FOCUS_KEY] = hit.passage.passage_id
            st.switch_page(navigation.page("passages"))


def _weak_rest(weak: int) -> str:
    """The passages under the relevance line, in words that fit their number ("the others" said of one
    passage read oddly)."""
    return "the other weak in meaning" if weak == 1 else "the others weak in meaning"


def render() -> None:
    shared = state.shared_explorer()
    articles = shared.articles()
    options = sidebar(articles)
    links.restore("question", "q")
    st.text_input(
        "Ask a question about the articles",
        key="question",
        placeholder=f"e.g. {EXAMPLE}",
        help="Plain words work best. Press Enter to search.",
    )
    question = st.session_state.get("question", "")
    links.remember("q", question.strip())
    if not question.strip():
        st.caption(
            f"Type a question in your own words and press Enter: the passages that answer it are ranked "
            f"from all {len(articles)} articles, with the best-matching sentence highlighted."
        )
        return
    try:
        answer = answer_question(shared, question, options)
    except ExplorerError as error:
        st.error(escape_markdown(str(error)))
        return
    for notice in answer.notices:
        st.info(escape_markdown(notice[:1].upper() + notice[1:]))  # the CLI prints it after "note: "
    if not answer.hits:
        st.warning("Nothing found in the chosen articles. Choose more articles in the sidebar.")
        return
    spread = len({hit.passage.article_id for hit in answer.hits})
    if not answer.relevant:
        best = best_similarity(answer.hits)
        closeness = f" (best similarity {best:.2f})" if best is not None else ""
        shown = escape_markdown(short(answer.question, QUESTION_SHOWN))
        st.warning(
            f"**Nothing relevant found** for *{shown}*: no passage is close enough "
            f"in meaning to the question{closeness}. "
            "Try other words, or check the Corpus page for what is indexed."
        )
        with st.expander(f"Show the {len(answer.hits)} closest weak matches anyway"):
            downloads(answer, articles)
            show_cards(answer, articles)
        return
    threshold = shared.settings.relevance_threshold
    close = sum(hit.similarity >= threshold for hit in answer.hits if hit.similarity is not None)
    measured = sum(hit.similarity is not None for hit in answer.hits)
    st.markdown(
        f"**{counted(len(answer.hits), 'passage')}** from {counted(spread, 'article')} "
        f"for *{escape_markdown(short(answer.question, QUESTION_SHOWN))}*"
        + (f"; {close} of them close in meaning, {_weak_rest(measured - close)}" if close < measured else "")
    )
    downloads(answer, articles)
    show_cards(answer, articles, weak_below=threshold)


if __name__ == "__main__":
    render()
