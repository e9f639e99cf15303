"""Pieces several pages share: passage cards, download buttons, cached answers.

Everything that shows article text goes through :mod:`explorer.app.render`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.app import links
from explorer.app.render import escape_markdown, passage_html
from explorer.app.state import SharedExplorer
from explorer.records import Answer, Hit, Passage

FOCUS_KEY = "focus_passage"
"""Session key: the passage the "Passages across articles" page should open with."""


@st.cache_data(max_entries=256, show_spinner=False)
def cached_query(
    index_dir: str,
    version: str,
    question: str,
    k: int,
    mode: str,
    diversify: bool,
    per_article: bool,
    _explorer: SharedExplorer,
) -> Answer:
    """Answers are kept per index generation, so reruns (a click on a download) cost nothing."""
    return _explorer.query(question, k=k, mode=mode, diversify=diversify, per_article=per_article)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_related(index_dir: str, version: str, passage_id: str, k: int, _explorer: SharedExplorer) -> list[Hit]:
    return _explorer.related(passage_id, k=k)


def source_name(articles: dict[str, dict], article_id: str) -> str:
    """The file an article came from, without the folders (shorter, and enough to find it); with the
    folders its id names, for files that share a name in different folders ("sport/001.txt")."""
    source = articles.get(article_id, {}).get("source_path", "")
    if not source:
        return article_id
    return "/".join(Path(source).parts[-(article_id.count("/") + 1) :])


def passage_number(passage: Passage) -> str:
    """The passage's position in its article, counted from 1 (id ``article:007`` -> ``8``)."""
    tail = passage.passage_id.rsplit(":", 1)[-1]
    return str(int(tail) + 1) if tail.isdigit() else tail


def card_help(passage_id: str, weak_below: float | None = None) -> str:
    """What a card's numbers mean, and the passage id the exports and the CLI use (the card counts
    passages from 1; the id from 0)."""
    weak = f"; under {weak_below:.2f} it is weak" if weak_below is not None else ""
    return (
        "**Score** ranks the results: evidence from the question's words (BM25) and its meaning, combined, "
        "so a passage that shares the question's rarer words can rank above one closer in meaning. "
        f"**Similarity** is the closeness in meaning alone, from 0 to 1{weak}. "
        f"Passage id for the downloads and the command line: {escape_markdown(passage_id)}"
    )


def hit_card(
    hit: Hit,
    articles: dict[str, dict],
    key: str,
    related_action: bool = True,
    show_rank: bool = True,
    weak_below: float | None = None,
) -> bool:
    """One result as a bordered card; returns True when its "related" button was pressed.

    ``weak_below``: the similarity under which the card says "weak in meaning". The ranking mixes word and
    meaning evidence, so a result list that answers the question can still hold passages far from it
    (an outside check read ranks 3-10 at similarity 0.11-0.23 as answers, with nothing to say otherwise).
    """
    passage = hit.passage
    with st.container(border=True):
        rank = f"{hit.rank}\\. " if show_rank else ""
        # A row that sizes the button to its label (fixed columns cut it to "Rela…" in an 800 px window).
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{rank}{escape_markdown(passage.title)}**", width="stretch")
            pressed = related_action and st.button(
                "Related ↗",
                key=f"related-{key}",
                help="Passages in other articles that say the same or a related thing",
                width="content",
            )
        details = [
            escape_markdown(source_name(articles, passage.article_id)),
            f"passage {escape_markdown(passage_number(passage))}",
            f"score {hit.score:.3f}",
        ]
        if hit.similarity is not None:
            weak = weak_below is not None and hit.similarity < weak_below
            details.append(f"similarity {hit.similarity:.2f}" + (" (weak in meaning)" if weak else ""))
        st.caption(" · ".join(details), help=card_help(passage.passage_id, weak_below))
        st.html(passage_html(passage.text, hit.highlight))
    return bool(pressed)


def download_buttons(files: list[tuple[str, str, str, str]], key: str) -> None:
    """A row of download buttons: (label, data, file name, MIME type), each as wide as its label, wrapping
    in a narrow window (equal columns cut "JSON" to "JS…" at 800 px)."""
    with st.container(horizontal=True):
        for label, data, name, mime in files:
            st.download_button(
                label,
                data,
                file_name=name,
                mime=mime,
                key=f"{key}-{name}",
                width="content",
                icon=":material/download:",
                on_click="ignore",  # a download needs no rerun
            )


FINER_THEMES_UP_TO = 50_000
"""Passages up to which the slider offers more themes than the build made: those are fitted again while
the reader waits (about 2 s at 10k passages, bench/themes_bench.py; other sessions go on meanwhile)."""


def theme_level(shared: SharedExplorer) -> int | None:
    """The sidebar's "how many themes" control, shared by the Themes and Map pages.

    Fewer themes are broader ones: the build's themes merged along the hierarchy
    built at index time (instant, no refit). On collections up to
    :data:`FINER_THEMES_UP_TO` passages it also offers up to twice as many, finer
    themes, fitted again on demand. ``None`` means the build's themes.
    """
    built = shared.theme_count()
    passages = int(shared.manifest().get("passage_count", 0))  # the manifest says; no list copied per rerun
    most = 2 * built if passages <= FINER_THEMES_UP_TO else built
    if most <= 2:
        return None
    links.restore("theme_count", "themes", int)
    if st.session_state.get("theme_count") not in range(2, most + 1):
        st.session_state.pop("theme_count", None)
    st.session_state.setdefault("theme_count", built)  # a default beside a kept value makes Streamlit warn
    count = st.sidebar.slider(
        "Number of themes",
        2,
        most,
        key="theme_count",
        help=f"The build found {built}. Fewer themes are broader: similar themes are merged, as in a topic "
        "hierarchy. More are finer: the themes are fitted again, which takes a few seconds.",
    )
    links.remember("themes", None if count == built else count)
    if count == built:
        return None
    if count > built:
        with st.spinner(f"Finding {count} themes..."):
            shared.prepare_themes(count)  # other sessions are not kept waiting; the page's own calls are instant
    return count


def outliers_assigned(shared: SharedExplorer) -> bool:
    """The sidebar's "no unassigned group" control, shared by the Themes and Map pages; drawn only when
    some passages belong to no theme. On: each joins its nearest theme (no refit, same theme ids)."""
    if not any(theme.theme_id < 0 for theme in shared.themes()):
        return False
    return st.sidebar.checkbox(
        "Put unassigned passages in their nearest theme",
        key="assign_outliers",
        help="Passages that fit no theme well are listed apart by default; this puts each in its closest theme.",
    )
