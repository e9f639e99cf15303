"""The seed-corpus checks the product brief names, in one table, for whichever model the index was built with.

    .venv/bin/python bench/seed_checks.py                      # the default model, index in bench/.cache
    EXPLORER_MODEL=/path/to/model .venv/bin/python bench/seed_checks.py --index /tmp/other

It builds (or updates) an index of ``corpus/`` with the model that ``EXPLORER_MODEL`` names, then
reports, through the facade the CLI and the app use:

* for each hand-picked set of ``bench/seed_themes.json`` (proxy militias, U.S. presence and
  withdrawal, the war on ISIS), the F1 of the theme that recovers it best, and the share of each set
  passage's 5 nearest passages in other articles (``related``) that are in the same set;
* how many of the militia-attack paragraph's 5 related passages are militia passages;
* the seed and paraphrased question sets: the expected passage in the top 5, hybrid and dense.

It prints only (docs/THEMES.md "Known limits" quotes it); it exists so that another model can be
compared with the default side by side, one command each.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CACHE, REPO, read_questions  # noqa: E402
from bench.themes_bench import SEED_THEMES, best_match  # noqa: E402
from explorer.explorer import Explorer  # noqa: E402
from explorer.settings import Settings  # noqa: E402

MILITIA_ATTACKS = "2023-IRGC-offers-to-train-Iraqi-armed-forces:008"
"""The paragraph on militia attacks on U.S. forces: its related passages should be about militias."""

QUESTION_SETS = ("seed_questions.jsonl", "paraphrased_questions.jsonl")
K = 5


def hand_picked_sets(texts: dict[str, str]) -> dict[str, set[str]]:
    """Each hand-picked set's passage ids: the passages that hold one of its snippets."""
    sets = json.loads(SEED_THEMES.read_text(encoding="utf-8"))["themes"]
    return {
        name: {pid for pid, text in texts.items() if any(snippet in text for snippet in snippets)}
        for name, snippets in sets.items()
    }


def related_precision(explorer: Explorer, members: set[str]) -> float:
    """Share of the set passages' related passages (5 each) that are in the set too."""
    found = asked = 0
    for passage_id in sorted(members):
        hits = explorer.related(passage_id, K)
        found += sum(hit.passage.passage_id in members for hit in hits)
        asked += len(hits)
    return found / asked if asked else 0.0


def questions_found(explorer: Explorer, name: str, mode: str) -> tuple[int, int]:
    """(found, asked): questions whose expected passage is in the top 5."""
    questions = read_questions(REPO / "bench" / name)
    found = 0
    for question in questions:
        hits = explorer.ask(question["text"], K, mode=mode)
        found += any(snippet in hit.passage.text for hit in hits for snippet in question["expected"])
    return found, len(questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=CACHE / "seed-checks", help="where to build the seed index")
    args = parser.parse_args()

    explorer = Explorer(Settings.from_env(index_dir=args.index, corpus_path=REPO / "corpus"))
    explorer.build()
    passages = explorer.passages()
    texts = {p.passage_id: p.text for p in passages}
    row_of = {p.passage_id: row for row, p in enumerate(passages)}
    sets = hand_picked_sets(texts)
    labels = explorer.passage_themes()
    label_of = {theme.theme_id: theme.label for theme in explorer.themes()}

    print(f"model: {explorer.index.model_id}")
    print("| hand-picked set | best theme (F1) | related, share in the set |")
    print("|---|---|---|")
    for name, members in sets.items():
        f1, theme = best_match({row_of[pid] for pid in members}, labels)
        precision = related_precision(explorer, members)
        print(f"| {name} | {label_of.get(theme, 'none')} ({f1:.2f}) | {precision:.2f} |")
    militias = sets.get("proxy militias", set())
    attacks = explorer.related(MILITIA_ATTACKS, K)
    on_militias = sum(hit.passage.passage_id in militias for hit in attacks)
    print(f"militia passages among the 5 related to {MILITIA_ATTACKS}: {on_militias}")
    for name in QUESTION_SETS:
        found = {mode: questions_found(explorer, name, mode) for mode in ("hybrid", "dense")}
        summary = ", ".join(f"{mode} {hit}/{total}" for mode, (hit, total) in found.items())
        print(f"{name}: expected passage in the top {K}: {summary}")


if __name__ == "__main__":
    main()
