"""``streamlit run`` that loads the model and the index while the server starts, not on the first visit.

Streamlit runs the app script only when a browser connects, so the first
visitor used to wait for the imports (FAISS, bm25s, OpenVINO, scikit-learn),
the model's compilation and the index load on top of the page itself: seconds
on two cores (bench/app_bench.py measures it). This entry point starts that
work in a background thread and then hands the same command line to
Streamlit's own CLI in this process; the app's shared explorer
(:func:`explorer.app.state.current`) takes the preloaded one.

    python -m explorer.app.serve run APP_SCRIPT [streamlit options]
"""

from __future__ import annotations

import sys


def main() -> None:
    from explorer.app import state
    from explorer.settings import Settings

    state.preload(Settings.from_env())
    from streamlit.web.cli import main as streamlit_main

    sys.argv[0] = "streamlit"
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
