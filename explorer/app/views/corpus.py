"""Corpus: what is indexed, add or remove an article, rebuild; each change re-embeds only what changed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from explorer.app import state
from explorer.app.render import article_label, escape_markdown
from explorer.app.widgets import source_name
from explorer.corpus import SUPPORTED_SUFFIXES
from explorer.corpus_edit import file_name_for_title, file_of, sharing_its_file
from explorer.explorer import PLACE

REPORT_KEY = "corpus_report"
# Bumped after each change, to give the uploader and text boxes fresh, empty widgets.
UPLOAD_ROUND = "corpus_upload_round"
ADD_TAB_KEY = "corpus_add_tab"


def articles_table(articles: dict[str, dict], passages) -> pd.DataFrame:
    counts: dict[str, int] = {}
    for passage in passages:
        counts[passage.article_id] = counts.get(passage.article_id, 0) + 1
    ordered = sorted(articles, key=lambda a: article_label(articles, a).lower())
    return pd.DataFrame(
        {
            "title": [article_label(articles, a) for a in ordered],
            "passages": [counts.get(a, 0) for a in ordered],
            "file": [source_name(articles, a) for a in ordered],
            "id": ordered,
        }
    )


def _after_build(report, themes_placed: bool = True) -> None:
    if report is not None:
        if themes_placed:
            # One article changed: it is searchable now; the themes are refitted in the background.
            state.builder().refresh_themes_later()
        st.session_state[REPORT_KEY] = report
        st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1
        st.rerun()


def add_article() -> None:
    st.subheader("Add an article")
    round_ = st.session_state.get(UPLOAD_ROUND, 0)
    # Tracked (a key and reruns), so after an article is pasted in the page stays on the Paste tab.
    upload_tab, paste_tab = st.tabs(["Upload a file", "Paste text"], key=ADD_TAB_KEY, on_change="rerun")
    with upload_tab:
        upload = st.file_uploader(
            "Article file",
            type=sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES),
            key=f"corpus_upload_{round_}",
            help="Text and Markdown (first line is the title), HTML, PDF with a text layer, or JSONL/CSV collections.",
        )
        if st.button("Add and re-index", key="corpus_add_file", type="primary"):
            if upload is None:
                # Also what the reader sees after the browser refused a file of another type (an .exe).
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                st.warning(f"Choose a file first: one of {kinds}.")
            else:
                name, data = upload.name, upload.getvalue()
                _after_build(
                    state.build_with_progress(
                        lambda explorer, on_stage: explorer.add_document(name, data, on_stage, PLACE)[1]
                    )
                )
    with paste_tab, st.form(f"corpus_paste_{round_}", border=False):
        title = st.text_input("Title", key=f"corpus_title_{round_}")
        text = st.text_area("Text", key=f"corpus_text_{round_}", height=200)
        if st.form_submit_button("Add and re-index", key="corpus_add_text", type="primary"):
            if not (title.strip() and text.strip()):
                st.warning("Give the article a title and some text.")
            else:
                data = f"{title.strip()}\n\n{text.strip()}\n".encode()
                name = file_name_for_title(title)
                _after_build(
                    state.build_with_progress(
                        lambda explorer, on_stage: explorer.add_document(name, data, on_stage, PLACE)[1]
                    )
                )


def remove_article(articles: dict[str, dict]) -> None:
    st.subheader("Remove an article")
    ordered = sorted(articles, key=lambda a: article_label(articles, a).lower())
    if st.session_state.get("corpus_remove") not in ordered:
        st.session_state.pop("corpus_remove", None)
    article_id = st.selectbox("Article", ordered, format_func=lambda a: article_label(articles, a), key="corpus_remove")
    file_name = file_of(source_name(articles, article_id))
    sharing = sharing_its_file(articles, article_id)
    if sharing:
        # Deleting the file would take its other records with it: say what to do instead of offering it.
        st.info(
            f"{escape_markdown(file_name)} holds {len(sharing) + 1} articles: to remove this one, delete its "
            "record from that file, then rebuild from the corpus folder below."
        )
        return
    sure = st.checkbox(
        f"Delete {escape_markdown(file_name)} from the corpus folder",
        key=f"corpus_remove_sure_{st.session_state.get(UPLOAD_ROUND, 0)}",
    )
    if st.button("Remove and re-index", key="corpus_remove_button", disabled=not sure):
        _after_build(
            state.build_with_progress(lambda explorer, on_stage: explorer.remove_document(article_id, on_stage, PLACE))
        )


def rebuild(shared: state.SharedExplorer) -> None:
    st.subheader("Rebuild")
    st.caption(
        f"Re-read {escape_markdown(str(shared.settings.corpus_path))} after editing files there: "
        "only new or changed passages are embedded again."
    )
    if st.button("Rebuild from the corpus folder", key="corpus_rebuild", icon=":material/refresh:"):
        _after_build(
            state.build_with_progress(lambda explorer, on_stage: explorer.build(on_stage=on_stage)), themes_placed=False
        )


def render() -> None:
    shared = state.shared_explorer()
    articles = shared.articles()
    manifest = shared.manifest()
    report = st.session_state.pop(REPORT_KEY, None)
    if report is not None:
        state.show_report(report, articles)
    built_from = str(manifest.get("corpus_path", ""))
    st.caption(
        f"Index in {escape_markdown(str(shared.index_dir))}, built from {escape_markdown(built_from)} "
        f"with {escape_markdown(Path(str(manifest.get('model', ''))).name)}."
    )
    if built_from and Path(built_from).resolve() != Path(shared.settings.corpus_path).resolve():
        st.warning(
            f"This page manages {escape_markdown(str(shared.settings.corpus_path))} (EXPLORER_CORPUS); "
            "a change here re-indexes that folder instead."
        )
    st.dataframe(
        articles_table(articles, shared.passages()),
        hide_index=True,
        width="stretch",
        column_config={
            "title": st.column_config.TextColumn("title", width="large"),
            "passages": st.column_config.NumberColumn("passages", width="small"),
        },
    )
    left, right = st.columns(2, gap="large")
    with left:
        add_article()
    with right:
        remove_article(articles)
        rebuild(shared)


if __name__ == "__main__":
    render()
