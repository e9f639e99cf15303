"""The one Explorer per server process, shared safely by every browser session.

Streamlit runs each session's script in its own thread. The model's tokenizer
and the lazily loaded index are not safe to use from several threads at once,
so every call into the shared :class:`~explorer.explorer.Explorer` goes
through one lock (:class:`SharedExplorer`). A question takes tens of
milliseconds, so sessions queue briefly instead of corrupting each other.

Builds run on a second Explorer (its own model instance) under a separate
build lock: the index on disk is replaced atomically, so other sessions keep
answering from the old index while a build runs and switch to the new one
when it is done (:meth:`SharedExplorer.reload`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from explorer.app.render import article_label, escape_markdown
from explorer.errors import ExplorerError
from explorer.explorer import BuildReport, Explorer
from explorer.settings import Settings

T = TypeVar("T")


# Reads of the loaded index that never call the model: the Explorer loads its index under its own lock
# and never changes a loaded one, so these need not queue behind other sessions' questions. A new
# visitor's first page (the sidebar's counts, the Ask page's article list) is drawn from them.
UNLOCKED_READS = frozenset(
    {"has_index", "articles", "passages", "passage", "theme_count", "themes_stale", "themes_ready"}
)


class SharedExplorer:
    """A lock around every method call of one Explorer that may use the model or fit; reads of the
    loaded index (:data:`UNLOCKED_READS`) and attributes pass through."""

    def __init__(self, explorer: Explorer) -> None:
        self._explorer = explorer
        self._lock = threading.RLock()
        self._fitting = threading.Lock()
        self._manifest_mtime: float | None = None

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._explorer, name)
        if not callable(value) or name in UNLOCKED_READS:
            return value

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return value(*args, **kwargs)

        locked.__name__ = name
        return locked

    @property
    def settings(self) -> Settings:
        return self._explorer.settings

    @property
    def index_dir(self) -> Path:
        return self._explorer.index_dir

    def prepare_themes(self, n_themes: int) -> None:
        """Fit finer themes than the build made (:meth:`Explorer.finer_themes_fit`) without holding
        the lock through the fit: other sessions keep asking questions meanwhile (a fit takes about
        2 s at 10k passages), and only its calls into the model take the lock. Later calls of
        :meth:`themes` with this number find the result at once."""
        with self._fitting:  # one fit at a time: two sessions asking for the same number share it
            with self._lock:
                fit = self._explorer.finer_themes_fit(n_themes)
            if fit is not None:
                fit(self._lock)

    def version(self) -> str:
        """The generation of the loaded index: cache keys change when the index does."""
        return str(self._explorer.index.manifest.get("generation", ""))

    def manifest(self) -> dict:
        """The loaded index's manifest: model, corpus path, generation, articles."""
        return dict(self._explorer.index.manifest)

    def themes(self, n_themes: int | None = None, assign_outliers: bool = False) -> list:
        """The themes (:meth:`Explorer.themes`) without the lock: they are read from the loaded index,
        and a refit they need (finer themes not fitted yet, see :meth:`prepare_themes`) takes the lock
        only around its calls into the model."""
        if not self._explorer.themes_ready(n_themes):
            self.prepare_themes(n_themes)  # one fit at a time
        return self._explorer.themes(n_themes, assign_outliers, model_lock=self._lock)

    def themes_ready(self, n_themes: int | None = None) -> bool:
        """Whether :meth:`themes` for ``n_themes`` can answer without fitting (:meth:`Explorer.themes_ready`)."""
        return self._explorer.themes_ready(n_themes)

    def warm_up(self) -> None:
        """Load the model, the index and its themes now, so the first question is as fast as the next."""
        with self._lock:
            if self._explorer.has_index():
                self._explorer.index  # noqa: B018 - loads the index
                self._explorer.embedder.encode(["warm up"])
                self._explorer.themes()  # every page's sidebar counts them (imports scikit-learn once)
                self._manifest_mtime = self._mtime()

    def refresh_if_rebuilt(self) -> bool:
        """Reload when another process (``explorer build``) replaced the index on disk."""
        mtime = self._mtime()
        with self._lock:
            if self._manifest_mtime is None:
                self._manifest_mtime = mtime
                return False
            if mtime == self._manifest_mtime:
                return False
            self._manifest_mtime = mtime
            self._explorer.reload()
            return True

    def reload(self) -> None:
        with self._lock:
            self._explorer.reload()
            self._manifest_mtime = self._mtime()

    def _mtime(self) -> float | None:
        try:
            return (self._explorer.index_dir / "manifest.json").stat().st_mtime_ns
        except OSError:
            return None


class Builder:
    """Runs builds and corpus edits one at a time, then points the shared explorer at the result.

    An edit made in the app (add or remove one article) keeps the themes it had, with the
    new passages placed in their nearest theme, and refits them in a background thread
    (:meth:`refresh_themes_later`), so the article is searchable at once and the themes
    catch up seconds later (minutes on a million passages).
    """

    def __init__(self, settings: Settings, shared: SharedExplorer) -> None:
        self._settings = settings
        self._shared = shared
        self._explorer: Explorer | None = None
        self._lock = threading.Lock()
        self._refreshing = threading.Event()

    def run(self, task: Callable[[Explorer], T]) -> T:
        """Run ``task`` on the build explorer; a second build at the same time is refused.

        A background theme refresh is not a build the user started: the task waits for it.
        """
        if not self._lock.acquire(blocking=self._refreshing.is_set()):
            raise ExplorerError("another build is running in this app: wait for it to finish, then try again")
        try:
            return self._run_locked(task)
        finally:
            self._lock.release()

    def _run_locked(self, task: Callable[[Explorer], T]) -> T:
        if self._explorer is None:
            self._explorer = Explorer(self._settings)
        try:
            return task(self._explorer)
        finally:
            self._shared.reload()  # whatever is on disk now: the new index, or the untouched old one
            with contextlib.suppress(ExplorerError):
                self._shared.warm_up()  # so the first question after a build is as fast as the next

    def refresh_themes_later(self) -> threading.Thread:
        """Refit stale themes in a background thread (after :meth:`run` of an edit with ``themes="place"``)."""
        self._refreshing.set()

        def refresh() -> None:
            try:
                with self._lock:
                    self._run_locked(lambda explorer: explorer.refresh_themes())
            except ExplorerError:
                pass  # the stale themes stay, marked as such; the next build refits them
            finally:
                self._refreshing.clear()

        thread = threading.Thread(target=refresh, name="explorer-theme-refresh", daemon=True)
        thread.start()
        return thread

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    @property
    def refreshing_themes(self) -> bool:
        return self._refreshing.is_set()


def _loaded(settings: Settings) -> tuple[SharedExplorer, Builder]:
    """A shared explorer with its model and index loaded, and the builder that goes with it."""
    shared = SharedExplorer(Explorer(settings))
    # A damaged index is reported by the page that loads it, with a way to rebuild.
    with contextlib.suppress(ExplorerError):
        shared.warm_up()
    return shared, Builder(settings, shared)


_preloaded: dict[tuple[str, str, str], Future] = {}


def _key(settings: Settings) -> tuple[str, str, str]:
    return str(settings.index_dir), str(settings.corpus_path), settings.model


def preload(settings: Settings) -> None:
    """Start loading the shared explorer in the background (at server start, see explorer/app/serve.py)."""
    future: Future = Future()
    _preloaded[_key(settings)] = future

    def load() -> None:
        try:
            future.set_result(_loaded(settings))
        except BaseException as error:  # the app's own load reports it again, on the page
            future.set_exception(error)

    threading.Thread(target=load, name="explorer-preload", daemon=True).start()


@st.cache_resource(show_spinner="Loading the model and the index…")
def _shared_for(index_dir: str, corpus_path: str, model: str) -> tuple[SharedExplorer, Builder]:
    settings = Settings.from_env(index_dir=index_dir, corpus_path=corpus_path, model=model)
    preloaded = _preloaded.pop(_key(settings), None)
    if preloaded is not None:
        with contextlib.suppress(Exception):
            return preloaded.result()
    return _loaded(settings)


def current() -> tuple[SharedExplorer, Builder]:
    """The explorer and builder for the settings in the environment (one per server process)."""
    settings = Settings.from_env()
    return _shared_for(str(settings.index_dir), str(settings.corpus_path), settings.model)


def shared_explorer() -> SharedExplorer:
    return current()[0]


def builder() -> Builder:
    return current()[1]


def build_with_progress(task: Callable[[Explorer, Callable[[str, float], None]], BuildReport]) -> BuildReport | None:
    """Run a build task with a progress bar; show its report or its one-line error."""
    bar = st.progress(0.0, text="starting…")

    def on_stage(message: str, fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        report = builder().run(lambda explorer: task(explorer, on_stage))
    except ExplorerError as error:
        bar.empty()
        st.error(escape_markdown(str(error)))
        return None
    bar.empty()
    return report


NAMED_IN_REPORT = 5
"""Articles a build report names for each of added, changed and removed; more are counted."""


def articles_named(report: BuildReport, articles: dict[str, dict]) -> str:
    """Which articles a build added, changed or removed, by title where the index still has it: after
    adding an article in the app, the counts alone did not say which file had become which article."""
    known = {**{a: {"title": title} for a, title in report.removed_titles.items()}, **articles}
    parts = []
    for verb, article_ids in report.changes():
        names = [article_label(known, a) for a in article_ids[:NAMED_IN_REPORT]]
        more = len(article_ids) - len(names)
        listed = ", ".join(f"“{escape_markdown(name)}”" for name in names) + (f" and {more:,} more" if more else "")
        parts.append(f"{verb.capitalize()}: {listed}.")
    return " ".join(parts)


def show_report(report: BuildReport, articles: dict[str, dict] | None = None) -> None:
    """What a build did, which articles it touched, and any files it had to skip."""
    named = articles_named(report, articles or {})
    st.success(report.summary() + (f". {named}" if named else ""))
    if report.warnings:
        with st.expander(f"{len(report.warnings)} problem(s) with input files"):
            for warning in report.warnings:
                st.text(warning)
