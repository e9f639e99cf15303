"""The Streamlit front end: ask, follow a passage across articles, see themes.

Run with ``explorer serve`` (or ``streamlit run streamlit_app.py``). The model
and index are loaded once per server process with ``st.cache_resource`` and
shared by every session; all work goes through :class:`explorer.Explorer`.
"""

from __future__ import annotations

import streamlit as st

from explorer.app.render import escape_markdown, short
from explorer.errors import ExplorerError
from explorer.explorer import Explorer
from explorer.records import Hit
from explorer.settings import Settings


@st.cache_resource(show_spinner="Loading the model and index…")
def get_explorer(index_dir: str, corpus_path: str, model: str) -> Explorer:
    """One Explorer per server process: the model and index are loaded once."""
    return Explorer(Settings.from_env(index_dir=index_dir, corpus_path=corpus_path, model=model))


def _settings() -> Settings:
    return Settings.from_env()


def ensure_index(explorer: Explorer) -> bool:
    """Build the index from the corpus on first run, with a progress bar."""
    if explorer.has_index():
        return True
    st.info(f"No index yet in `{explorer.index_dir}`: building it from `{explorer.settings.corpus_path}`.")
    bar = st.progress(0.0, text="starting")
    try:
        report = explorer.build(on_stage=lambda message, fraction: bar.progress(min(fraction, 1.0), text=message))
    except ExplorerError as error:
        st.error(str(error))
        return False
    bar.empty()
    st.success(report.summary())
    return True


def show_hit(hit: Hit, explorer: Explorer, key: str, with_related: bool = True) -> None:
    passage = hit.passage
    with st.container(border=True):
        st.markdown(f"**{hit.rank}. {escape_markdown(passage.title)}** · score {hit.score:.3f}")
        st.caption(f"{passage.article_id} · {passage.passage_id}")
        st.markdown(escape_markdown(passage.text))
        if with_related and st.toggle("Related passages in other articles", key=f"related-{key}"):
            for related in explorer.related(passage.passage_id, k=3):
                st.markdown(
                    f"- **{escape_markdown(related.passage.title)}** ({related.score:.3f}): "
                    f"{escape_markdown(short(related.passage.text, 300))}"
                )


def ask_page(explorer: Explorer) -> None:
    question = st.text_input(
        "Ask a question about the articles",
        key="question",
        placeholder="Which armed groups does Tehran work through?",
    )
    k = st.sidebar.slider("Passages to show", 1, 30, 5, key="k")
    if not question.strip():
        st.caption("Type a question and press Enter.")
        return
    try:
        hits = explorer.ask(question, k)
    except ExplorerError as error:
        st.error(str(error))
        return
    st.subheader(f"{len(hits)} passages")
    for hit in hits:
        show_hit(hit, explorer, key=f"ask-{hit.passage.passage_id}")


def related_page(explorer: Explorer) -> None:
    passages = explorer.passages()
    titles = {p.article_id: p.title for p in passages}
    article = st.selectbox("Article", sorted(titles), format_func=lambda a: titles[a], key="related_article")
    own = [p for p in passages if p.article_id == article]
    chosen = st.selectbox(
        "Passage",
        [p.passage_id for p in own],
        key="related_passage",
        format_func=lambda pid: short(explorer.passage(pid).text),
    )
    if not chosen:
        return
    st.markdown(escape_markdown(explorer.passage(chosen).text))
    st.subheader("Related passages in other articles")
    for hit in explorer.related(chosen, k=st.sidebar.slider("Related passages", 1, 20, 5, key="related_k")):
        show_hit(hit, explorer, key=f"rel-{hit.passage.passage_id}", with_related=False)


def themes_page(explorer: Explorer) -> None:
    themes = explorer.themes()
    named = [t for t in themes if t.theme_id >= 0]
    st.caption(f"{len(named)} themes over {len(explorer.passages())} passages")
    for theme in themes:
        title = f"{escape_markdown(theme.label)} · {theme.size} passages · {len(theme.article_ids)} articles"
        with st.expander(title):
            if theme.keywords:
                st.markdown("Keywords: " + escape_markdown(", ".join(theme.keywords)))
            for passage in theme.passages:
                st.markdown(f"- **{escape_markdown(passage.title)}**: {escape_markdown(short(passage.text, 300))}")


def main() -> None:
    st.set_page_config(page_title="Semantic Similarity Explorer", layout="wide")
    st.title("Semantic Similarity Explorer")
    settings = _settings()
    explorer = get_explorer(str(settings.index_dir), str(settings.corpus_path), settings.model)
    if not ensure_index(explorer):
        return
    try:
        ask_tab, related_tab, themes_tab = st.tabs(["Ask", "Passages across articles", "Themes"])
        with ask_tab:
            ask_page(explorer)
        with related_tab:
            related_page(explorer)
        with themes_tab:
            themes_page(explorer)
    except ExplorerError as error:
        st.error(str(error))


if __name__ == "__main__":
    main()
