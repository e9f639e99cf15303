"""Passages across articles: one passage, its closest passages in every other article, and the overlap heatmap."""

from __future__ import annotations

import streamlit as st

from explorer.app import charts, links, state
from explorer.app.render import article_label, article_labels, escape_markdown, passage_html, short
from explorer.app.widgets import FOCUS_KEY, cached_related, passage_number, source_name
from explorer.records import Hit, Passage, weak_best, weak_matches

HEATMAP_KEY = "pa_heatmap"

# (Comments, not docstrings: Streamlit's "magic" would write a bare string in a page script onto the page.)
# Other articles shown side by side by default, and the most the sidebar offers: a collection of
# 2,000 articles must not draw 2,000 cards for one passage.
ARTICLES_SHOWN = 9
MOST_ARTICLES_SHOWN = 30
# Above this many articles, the overlap heatmap shows the articles of the PAIRS_OFFERED most overlapping
# pairs (2,127 articles make 2.3 million pairs); the "Compare" pickers offer every article.
HEATMAP_ARTICLES = 20
PAIRS_OFFERED = 200


def _by_article(passages: list[Passage]) -> dict[str, list[Passage]]:
    grouped: dict[str, list[Passage]] = {}
    for passage in passages:
        grouped.setdefault(passage.article_id, []).append(passage)
    return grouped


SCROLL_TO_TOP = "pa_scroll_to_top"
# A passage followed from the bottom of the page opens at the top, where it is shown: a rerun keeps the
# scroll position, which left the new passage out of sight. A script of our own (no article text goes
# into it) scrolls the page's main area; st.html runs it in the page (st.components.v1.html, which ran it
# in a frame, is deprecated and warned in the server log).
_SCROLL_SCRIPT = (
    "<script>const main = document.querySelector('[data-testid=\"stMain\"]');"
    "if (main) { main.scrollTo({top: 0}); }</script>"
)


def _scroll_to_top_after_a_follow() -> None:
    if st.session_state.pop(SCROLL_TO_TOP, False):
        st.html(_SCROLL_SCRIPT, unsafe_allow_javascript=True)


def _apply_focus(by_article: dict[str, list[Passage]]) -> None:
    """Open the passage another page (or a "Follow" button) asked for, before the pickers are drawn; say so
    when it is not in the collection (a link to a removed article opened another passage without a word)."""
    focus = st.session_state.pop(FOCUS_KEY, None)
    if focus is None:
        return
    for article_id, passages in by_article.items():
        if any(p.passage_id == focus for p in passages):
            st.session_state["pa_article"] = article_id
            st.session_state["pa_passage"] = focus
            return
    st.warning(
        f"Passage {escape_markdown(short(str(focus), 120))} is not in the collection (its article may have been "
        "removed or changed); pick a passage below."
    )


def _valid_choice(key: str, options: list) -> None:
    """Drop a remembered choice that is no longer offered (article removed, other article picked)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def pick_passage(by_article: dict[str, list[Passage]], articles: dict[str, dict]) -> Passage:
    article_ids = sorted(by_article, key=lambda a: article_label(articles, a).lower())
    _valid_choice("pa_article", article_ids)
    left, right = st.columns([2, 3])
    article_id = left.selectbox(
        "Article", article_ids, format_func=lambda a: article_label(articles, a), key="pa_article"
    )
    own = {p.passage_id: p for p in by_article[article_id]}
    _valid_choice("pa_passage", list(own))
    passage_id = right.selectbox(
        "Passage",
        list(own),
        format_func=lambda pid: f"{passage_number(own[pid])}. {short(own[pid].text, 110)}",
        key="pa_passage",
    )
    return own[passage_id]


def best_per_article(hits: list[Hit], per_article: int) -> dict[str, list[Hit]]:
    """The best ``per_article`` hits of each other article, articles ordered by their best hit."""
    grouped: dict[str, list[Hit]] = {}
    for hit in hits:
        matches = grouped.setdefault(hit.passage.article_id, [])
        if len(matches) < per_article:
            matches.append(hit)
    return dict(sorted(grouped.items(), key=lambda item: -item[1][0].score))


def columns_per_row(articles: int) -> int:
    """Side by side, but never narrower than a readable column: 4 articles read better as 2 x 2."""
    return articles if articles <= 3 else 2 if articles == 4 else 3


def side_by_side(grouped: dict[str, list[Hit]], articles: dict[str, dict]) -> None:
    items = list(grouped.items())
    per_row = columns_per_row(len(items))
    for start in range(0, len(items), per_row):
        columns = st.columns(per_row)
        for column, (article_id, hits) in zip(columns, items[start : start + per_row]):
            with column, st.container(border=True):
                st.markdown(f"**{escape_markdown(article_label(articles, article_id))}**")
                st.caption(escape_markdown(source_name(articles, article_id)))
                for hit in hits:
                    st.markdown(
                        f"similarity **{hit.score:.2f}** · passage {escape_markdown(passage_number(hit.passage))}"
                    )
                    st.html(passage_html(hit.passage.text, clamp=True))
                    if st.button("Follow this passage", key=f"follow-{hit.passage.passage_id}", icon=":material/east:"):
                        st.session_state[FOCUS_KEY] = hit.passage.passage_id
                        st.session_state[SCROLL_TO_TOP] = True
                        st.rerun()


def heatmap_articles(article_ids: list[str], pairs: list[tuple[float, tuple[str, str]]]) -> list[str]:
    """All articles when they fit the heatmap, else those of the most overlapping ``pairs`` (best
    first) up to :data:`HEATMAP_ARTICLES`, in ``article_ids`` order."""
    if len(article_ids) <= HEATMAP_ARTICLES:
        return list(article_ids)
    chosen: dict[str, None] = {}
    for _, pair in pairs:
        if len(chosen) + sum(a not in chosen for a in pair) > HEATMAP_ARTICLES:
            break
        chosen.update(dict.fromkeys(pair))
    return [a for a in article_ids if a in chosen]


def related_by_article(
    shared: state.SharedExplorer, passage: Passage, per_article: int, articles_wanted: int, passage_count: int
) -> dict[str, list[Hit]]:
    """The best ``per_article`` hits in each of the ``articles_wanted`` other articles closest to
    ``passage``: asks for more related passages until that many articles turn up, not for every passage."""
    k = min(passage_count, max(100, 10 * per_article * articles_wanted))
    while True:
        hits = cached_related(str(shared.index_dir), shared.version(), passage.passage_id, k, shared)
        grouped = best_per_article(hits, per_article)
        if len(grouped) >= articles_wanted or k >= passage_count:
            return dict(list(grouped.items())[:articles_wanted])
        k = min(passage_count, 4 * k)


def _pair_from_heatmap() -> None:
    """A click on a heatmap cell puts that pair in the two "Compare" pickers."""
    event = st.session_state.get(HEATMAP_KEY)
    pair = charts.selected_pair(event.selection if event is not None else {})
    if pair is not None:
        st.session_state["pa_left"], st.session_state["pa_right"] = sorted(pair)


def partners(shared: state.SharedExplorer, article_id: str) -> dict[str, float]:
    """The other articles with their overlap with ``article_id``, those that overlap it most first."""
    return {other: score for score, other in shared.overlapping_articles(article_id)}


def pick_pair(
    shared: state.SharedExplorer, article_ids: list[str], best_pair: tuple[str, str], titles: dict[str, str]
) -> tuple[str, str]:
    """Any two articles: the first by title, the second among the others, those closest to the first on top.
    They open on the most overlapping pair (an outside check could not compare two articles of its choice:
    a picker offered the 200 most overlapping pairs of 990)."""
    by_title = sorted(article_ids, key=lambda a: titles[a].lower())
    _valid_choice("pa_left", by_title)
    st.session_state.setdefault("pa_left", best_pair[0])
    left, right = st.columns(2)
    a = left.selectbox("Compare", by_title, format_func=titles.get, key="pa_left")
    scored = partners(shared, a)
    _valid_choice("pa_right", list(scored))
    st.session_state.setdefault("pa_right", best_pair[1] if best_pair[1] != a else next(iter(scored)))

    def partner_name(other: str) -> str:
        return f"{titles[other]}  ({scored[other]:.2f})"

    b = right.selectbox("with", list(scored), format_func=partner_name, key="pa_right")
    return a, b


def overlap(shared: state.SharedExplorer, articles: dict[str, dict]) -> None:
    st.subheader("Which articles overlap")
    article_ids = shared.compared_articles()
    if len(article_ids) < 2:
        st.info("Add a second article to compare articles.")
        return
    pairs = [(score, (a, b)) for score, a, b in shared.top_article_pairs(PAIRS_OFFERED)]
    shown = heatmap_articles(article_ids, pairs)
    titles = article_labels(articles, article_ids)
    frame = charts.article_heatmap_frame(shown, shared.article_overlap(shown), titles)
    caption = (
        "How much each pair of articles says the same things. Click a cell, or pick two articles below, to see "
        "their closest passages."
    )
    if len(shown) < len(article_ids):
        caption += f" Of {len(article_ids):,} articles, the {len(shown)} in the most overlapping pairs are shown."
    st.caption(caption)
    st.altair_chart(
        charts.article_heatmap(frame),
        key=HEATMAP_KEY,
        on_select=_pair_from_heatmap,
        selection_mode=charts.PAIR_SELECTION,
        width="content",
    )
    a, b = pick_pair(shared, article_ids, pairs[0][1], titles)
    left, right = st.columns(2)
    left.markdown(f"**{escape_markdown(titles[a])}**")
    right.markdown(f"**{escape_markdown(titles[b])}**")
    for passage_a, passage_b, score in shared.closest_pairs(a, b, k=5):
        st.caption(f"similarity {score:.2f}")
        left, right = st.columns(2)
        with left, st.container(border=True):
            st.html(passage_html(passage_a.text))
        with right, st.container(border=True):
            st.html(passage_html(passage_b.text))


def render() -> None:
    shared = state.shared_explorer()
    articles = shared.articles()
    passages = shared.passages()
    by_article = _by_article(passages)
    if FOCUS_KEY not in st.session_state and "pa_passage" not in st.session_state:
        links.restore(FOCUS_KEY, "passage")
    _apply_focus(by_article)
    _scroll_to_top_after_a_follow()
    st.session_state.setdefault("pa_per_article", 2)  # a default beside a kept value makes Streamlit log a warning
    per_article = st.sidebar.slider("Matches per article", 1, 5, key="pa_per_article")
    chosen = pick_passage(by_article, articles)
    links.remember("passage", chosen.passage_id)
    with st.container(border=True):
        st.caption(
            f"{escape_markdown(article_label(articles, chosen.article_id))} · passage "
            f"{escape_markdown(passage_number(chosen))}"
        )
        st.html(passage_html(chosen.text))
    others = len(by_article) - 1
    wanted = others
    if others > ARTICLES_SHOWN:
        wanted = st.sidebar.slider(
            "Other articles shown",
            1,
            min(others, MOST_ARTICLES_SHOWN),
            ARTICLES_SHOWN,
            key="pa_articles_shown",
            help="The other articles whose passages come closest to this one, closest first.",
        )
    st.subheader("Closest passages in each other article")
    if not others:
        st.info("This is the only article: there is nothing to compare it with.")
    else:
        if wanted < others:
            st.caption(f"The {wanted} articles, of {others:,} others, with the passages closest to this one.")
        related = related_by_article(shared, chosen, per_article, wanted, len(passages))
        shown = [hit for hits in related.values() for hit in hits]
        if weak_matches(shown):
            st.info(f"No passage of another article is close to this one ({weak_best(shown)}): these are weak matches.")
        side_by_side(related, articles)
    st.divider()
    overlap(shared, articles)


if __name__ == "__main__":
    render()
