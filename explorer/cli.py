"""The ``explorer`` command: build an index, ask questions, follow passages, list themes.

The commands and their JSON output are a contract that automated checks
drive; extend them, do not change them. Every user error ends with one line
on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import NoReturn

from explorer.errors import ExplorerError
from explorer.records import weak_best, weak_matches
from explorer.wording import counted

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1

ARTICLES_LISTED = 10
"""`explorer themes` names up to this many articles per theme, those holding most of its passages."""

ALL_PAIRS_UP_TO = 30
"""`explorer articles` prints every pair of up to this many articles (435 pairs) ..."""

DEFAULT_TOP_PAIRS = 100
"""... and the most overlapping pairs beyond: 2,127 articles make 2.3 million pairs."""


class _Parser(argparse.ArgumentParser):
    """argparse with a usage error on one line, as every other error (argparse prints its usage block
    first: 2-5 lines for `explorer ask Iran --k abc`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commands: dict[str, argparse.ArgumentParser] = {}
        """The parser of each command, so an unknown option is reported with that command's --help."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {message}; see `{self.prog} --help`", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR)


def _folder(text: str) -> Path:
    """A path argument; an empty one is refused rather than read as the current folder, where a build
    would write its index among the user's files (``--index "$UNSET_VARIABLE"``)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty path: give a folder (write . for the current one)")
    return Path(text)


def _parser() -> _Parser:
    parser = _Parser(prog="explorer", description="Explore a collection of news articles by meaning.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.commands[name] = sub
        if name != "serve":
            sub.add_argument("--index", type=_folder, default=None, help="index directory (default: embeddings/)")
        return sub

    build = add("build", "build or update the index so it mirrors a folder or file of articles")
    build.add_argument("path", nargs="?", type=_folder, default=None, help="folder or file (default: corpus/)")
    build.add_argument("--json", action="store_true", help="print the build report as JSON")

    ask = add("ask", "passages that answer a question, best first")
    ask.add_argument("question", nargs="?", help="the question, in quotes")
    ask.add_argument("--queries", type=Path, help='a JSONL file of {"id", "text"} questions')
    ask.add_argument("--k", type=int, default=10, help="how many passages (default 10)")
    ask.add_argument(
        "--mode",
        choices=["hybrid", "dense", "lexical"],
        default="hybrid",
        help="hybrid (default: keywords and meaning fused), dense (meaning) or lexical (BM25 keywords)",
    )
    ask.add_argument("--mmr", action="store_true", help="diversify: no near-copies among the top results")
    ask.add_argument("--per-article", action="store_true", help="only the best passage of each article")
    ask.add_argument("--json", action="store_true", help="print JSON")

    related = add("related", "passages from other articles that say the same or a related thing")
    related.add_argument("passage_id", help="a passage id, as listed by `explorer passages`")
    related.add_argument("--k", type=int, default=10, help="how many passages (default 10)")
    related.add_argument("--json", action="store_true", help="print JSON")

    passages = add("passages", "every indexed passage")
    passages.add_argument("--json", action="store_true", help="print JSON")

    themes = add("themes", "recurring themes across the articles")
    themes.add_argument("--json", action="store_true", help="print JSON")
    themes.add_argument(
        "--n-themes",
        type=int,
        default=None,
        metavar="N",
        help="N themes: fewer than the build made are merged up its hierarchy (instant), more are fitted again "
        "(seconds at 10k passages); default: the themes the build made",
    )
    themes.add_argument(
        "--assign-outliers",
        action="store_true",
        help="put each unassigned passage in its nearest theme instead of listing them as unassigned",
    )

    articles = add(
        "articles",
        "how much each pair of articles overlaps; with one article, the others by overlap with it; with two, "
        "their closest passages",
    )
    articles.add_argument("article_ids", nargs="*", metavar="ARTICLE_ID", help="none, one or two article ids")
    articles.add_argument("--k", type=int, default=5, help="with two articles: how many passage pairs (default 5)")
    articles.add_argument("--json", action="store_true", help="print JSON")
    articles.add_argument(
        "--top",
        type=int,
        default=None,
        metavar="N",
        help=f"print the N most overlapping pairs, 0 for all (default: all up to {ALL_PAIRS_UP_TO} articles, "
        f"else the top {DEFAULT_TOP_PAIRS}); --json prints the whole matrix. With one article: its N most "
        "overlapping others",
    )

    serve = add("serve", "start the Streamlit app")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="127.0.0.1")
    serve.add_argument(
        "--no-build",
        dest="build",
        action="store_false",
        help="start without first building a missing index (the app then offers to build it)",
    )
    return parser


def _explorer(args: argparse.Namespace):
    from explorer.explorer import Explorer
    from explorer.settings import Settings

    return Explorer(Settings.from_env(index_dir=getattr(args, "index", None)))


def _print_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


def _print_hits(hits, as_json: bool) -> None:
    if as_json:
        _print_json([hit.to_dict() for hit in hits])
        return
    if not hits:
        print("no passages found")
    for hit in hits:
        print(f"{hit.rank:>3}. [{hit.score:.3f}] {hit.passage.title}  ({hit.passage.passage_id})")
        if hit.highlight_text and hit.highlight_text != hit.passage.text:
            print(textwrap.indent(textwrap.fill(f">> {hit.highlight_text}", 100), "     "))
        print(textwrap.indent(textwrap.fill(hit.passage.text, 100), "     "))
        print()


def cmd_build(args: argparse.Namespace) -> None:
    explorer = _explorer(args)
    report = _build_with_progress(explorer, args.path if args.path is not None else explorer.settings.corpus_path)
    if args.json:
        _print_json(report.__dict__)
    else:
        print(f"{report.summary()} in {explorer.index_dir}")
        for line in _articles_touched(report):
            print(line)


IDS_IN_REPORT = 10
"""Article ids a build's report lists per kind of change, before "and N more"."""


def _articles_touched(report) -> list[str]:
    """Which articles the build added, changed or removed, by id: after editing a folder, the counts alone
    did not say which file had become which change (the app names them by title)."""
    lines = []
    for verb, article_ids in report.changes():
        more = len(article_ids) - IDS_IN_REPORT
        lines.append(
            f"  {verb}: {', '.join(article_ids[:IDS_IN_REPORT])}" + (f" and {more:,} more" if more > 0 else "")
        )
    return lines


def _build_with_progress(explorer, path):
    """Build the index from ``path`` with a progress bar on stderr, then print the input files' warnings."""
    from tqdm import tqdm

    bar = tqdm(total=100, desc="building", unit="%", file=sys.stderr, disable=None, leave=False)

    def on_stage(message: str, fraction: float) -> None:
        bar.set_description(message)
        bar.n = int(fraction * 100)
        bar.refresh()

    try:
        report = explorer.build(path, on_stage=on_stage)
    finally:
        bar.close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if report.removed_articles:
        # Not an error (the index mirrors PATH), but building from another folder by mistake empties it.
        one = len(report.removed_articles) == 1
        print(
            f"note: {counted(len(report.removed_articles), 'article')} indexed before {'is' if one else 'are'} "
            f"not in {path}, so the index dropped {'it' if one else 'them'}; if that was a mistake, build from "
            f"the folder that holds {'it' if one else 'them'}",
            file=sys.stderr,
        )
    return report


QUERY_TEXT_KEYS = ("text", "query", "question")
"""Where a questions file's line holds the question: ``text`` as the contract says, or the names other
tools' query files use (BEIR writes ``_id`` and ``text``; others ``query`` or ``question``)."""


def _read_queries(path: Path) -> list[tuple[object, str]]:
    """The (id, text) of each line of a questions file. A query without an id is named by its line
    number, with one warning; a file with no queries at all is an error. One line that is not a query
    stops the batch before any answer: answers for the lines around it would look complete."""
    shape = 'one {"id": ..., "text": ...} per line'
    if path.is_dir():
        raise ExplorerError(f"{path} is a folder: give a JSONL file with {shape}")
    if not path.is_file():
        raise ExplorerError(f"{path} does not exist: give a JSONL file with {shape}")
    queries: list[tuple[object, str]] = []
    unnamed: list[int] = []
    empty: list[int] = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            query_id = record.get("id", record.get("_id"))
            text = next(record[key] for key in QUERY_TEXT_KEYS if key in record)
        except (json.JSONDecodeError, StopIteration, AttributeError, TypeError):
            raise ExplorerError(f"{path}:{number}: not a query; each line must be {shape}") from None
        if not isinstance(text, str):
            raise ExplorerError(f'{path}:{number}: "text" must be a string (got {json.dumps(text)[:40]})')
        if query_id is None:
            query_id = number
            unnamed.append(number)
        if not text.strip():
            empty.append(number)
        queries.append((query_id, text))
    if not queries:
        raise ExplorerError(f"{path} holds no queries: write {shape}")
    if unnamed:
        print(
            f"warning: {path}: {len(unnamed)} queries have no 'id'; their query_id is their line number",
            file=sys.stderr,
        )
    if empty:
        # Answered in place (no hits, an "error"), so the other answers stand; said here so it is not silent.
        where = ("line " if len(empty) == 1 else "lines ") + ", ".join(map(str, empty[:10]))
        where += " ..." if len(empty) > 10 else ""
        print(
            f'warning: {path}: {counted(len(empty), "query", "queries")} with an empty "text" ({where}) '
            'answered with no hits and an "error"',
            file=sys.stderr,
        )
    counts = Counter(json.dumps(query_id) for query_id, _ in queries)
    repeated = [query_id for query_id, count in counts.items() if count > 1]
    if repeated:
        print(
            f"warning: {path}: {len(repeated)} query ids used more than once ({', '.join(repeated[:5])}); "
            "their answers share a query_id, in the file's order",
            file=sys.stderr,
        )
    return queries


def cmd_ask(args: argparse.Namespace) -> None:
    if args.queries is None and args.question is None:
        raise ExplorerError(
            'give a question in quotes, or --queries FILE.jsonl: explorer ask "who funds the militias?"'
        )
    if args.queries is not None and args.question is not None:
        raise ExplorerError("give a question or --queries FILE.jsonl, not both: the question would be ignored")
    explorer = _explorer(args)
    options = {"k": args.k, "mode": args.mode, "diversify": args.mmr, "per_article": args.per_article}
    if args.queries is not None:
        for query_id, text in _read_queries(args.queries):
            try:
                answer = explorer.query(text, **options)
            except ExplorerError as error:
                if "empty" not in str(error):
                    raise
                _print_json({"query_id": query_id, "hits": [], "relevant": False, "error": str(error)})
                continue
            hits = [hit.to_dict() for hit in answer.hits]
            record = {"query_id": query_id, "hits": hits, "relevant": answer.relevant}
            _print_json(record | {"unmentioned": answer.unmentioned} if answer.unmentioned else record)
        return
    answer = explorer.query(args.question, **options)
    for notice in answer.notices:
        print(f"note: {notice}", file=sys.stderr)
    if not answer.relevant:
        print("note: nothing relevant found; the closest passages are weak matches", file=sys.stderr)
    _print_hits(answer.hits, args.json)


def cmd_related(args: argparse.Namespace) -> None:
    explorer = _explorer(args)
    hits = explorer.related(args.passage_id, args.k)
    if not args.json:
        source = explorer.passage(args.passage_id)
        print(f"related to {source.passage_id} ({source.title}):")
        print(textwrap.indent(textwrap.fill(source.text, 100), "     "))
        print()
    _print_hits(hits, args.json)
    if weak_matches(hits):
        print(
            f"note: no paragraph of another article is close to this one ({weak_best(hits)}); these are weak matches",
            file=sys.stderr,
        )


def cmd_passages(args: argparse.Namespace) -> None:
    passages = _explorer(args).passages()
    if args.json:
        _print_json(
            [
                {"passage_id": p.passage_id, "article_id": p.article_id, "title": p.title, "text": p.text}
                for p in passages
            ]
        )
        return
    for p in passages:
        print(f"{p.passage_id}\t{p.text[:100].replace(chr(10), ' ')}")


def cmd_themes(args: argparse.Namespace) -> None:
    explorer = _explorer(args)
    themes = explorer.themes(args.n_themes, assign_outliers=args.assign_outliers)
    found = sum(1 for theme in themes if theme.theme_id >= 0)
    if args.n_themes is not None and found < args.n_themes:
        print(
            f"note: {counted(found, 'theme')}, not {args.n_themes}: the passages do not split into more "
            "groups large enough to be themes",
            file=sys.stderr,
        )
    if explorer.themes_stale():
        print(
            "note: the app changed the corpus and is still refitting these themes; "
            "new passages sit in their nearest theme (run `explorer build` to refit now)",
            file=sys.stderr,
        )
    if args.json:
        _print_json([theme.to_dict() for theme in themes])
        return
    passages = {p.passage_id: p for theme in themes for p in theme.passages}
    for theme in themes:
        spread = f"{counted(theme.size, 'passage')}, {counted(len(theme.article_ids), 'article')}"
        print(f"[{theme.theme_id}] {theme.label}  ({spread})")
        if theme.keywords:
            print(f"     keywords: {', '.join(theme.keywords)}")
        print(f"     articles: {_articles_line(theme)}")
        if theme.theme_id >= 0 and theme.representative_ids:
            first = passages.get(theme.representative_ids[0])
            if first is not None:
                print(f"     e.g. {first.passage_id}: {textwrap.shorten(first.text, 160)}")


def _articles_line(theme) -> str:
    """The articles a theme spans: all of them (alphabetical) when few, else the ones that hold most of
    its passages, with their counts; a BBC News theme spans 270 articles, a line of 4,000 characters."""
    if len(theme.article_ids) <= ARTICLES_LISTED:
        return ", ".join(theme.article_ids)
    held = sorted(Counter(p.article_id for p in theme.passages).items(), key=lambda item: (-item[1], item[0]))
    listed = ", ".join(f"{article} ({count})" for article, count in held[:ARTICLES_LISTED])
    return f"{listed} and {len(held) - ARTICLES_LISTED} more (--json lists them all)"


def cmd_articles(args: argparse.Namespace) -> None:
    if args.top is not None and args.top < 0:
        raise ExplorerError(f"--top must be 0 (all pairs) or more (got {args.top})")
    if len(args.article_ids) > 2:
        raise ExplorerError(
            f"give at most two article ids (got {len(args.article_ids)}): one lists its overlaps, two compare them"
        )
    explorer = _explorer(args)
    if len(args.article_ids) == 1:
        _print_partners(explorer, args.article_ids[0], args.top, args.json)
        return
    if len(args.article_ids) == 2:
        _print_pairs(explorer, *args.article_ids, args.k, args.json)
        return
    if args.json:
        names, matrix = explorer.article_similarity()
        _print_json({"article_ids": names, "similarity": [[round(float(x), 4) for x in row] for row in matrix]})
        return
    count = len(explorer.compared_articles())
    every = count * (count - 1) // 2
    top = args.top if args.top is not None else (0 if count <= ALL_PAIRS_UP_TO else DEFAULT_TOP_PAIRS)
    if not top:
        explorer.article_similarity()  # all pairs need the whole matrix: a clear error where there is none
    pairs = explorer.top_article_pairs(top or every)
    for score, first, second in pairs:
        print(f"{score:.3f}  {first}  ~  {second}")
    if len(pairs) < every:
        print(f"note: the {len(pairs):,} most overlapping of {every:,} pairs; --top 0 prints all", file=sys.stderr)


def _print_partners(explorer, article_id: str, top: int | None, as_json: bool) -> None:
    """The other articles, most overlapping with ``article_id`` first (all, or the ``top`` first)."""
    partners = explorer.overlapping_articles(article_id)[: top or None]
    articles = explorer.articles()
    if as_json:
        _print_json(
            [
                {"article_id": other, "title": articles[other]["title"], "overlap": round(score, 4)}
                for score, other in partners
            ]
        )
        return
    for score, other in partners:
        print(f"{score:.3f}  {other}  ({articles[other]['title']})")


def _print_pairs(explorer, article_a: str, article_b: str, k: int, as_json: bool) -> None:
    """The closest (passage of A, passage of B) pairs, each passage in one pair at most."""
    if article_a == article_b:
        raise ExplorerError(f"give two different articles (got {article_a!r} twice)")
    pairs = explorer.closest_pairs(article_a, article_b, k)
    if as_json:
        _print_json(
            [
                {"rank": rank, "score": round(score, 6), "a": a.to_dict(), "b": b.to_dict()}
                for rank, (a, b, score) in enumerate(pairs, start=1)
            ]
        )
        return
    for rank, (a, b, score) in enumerate(pairs, start=1):
        print(f"{rank:>3}. [{score:.3f}] {a.passage_id}  ~  {b.passage_id}")
        for passage in (a, b):
            print(textwrap.indent(textwrap.fill(passage.text, 100), "     "))
            print()


def cmd_serve(args: argparse.Namespace) -> None:
    from explorer.app.launch import streamlit_command

    _check_port_free(args.address, args.port)
    if args.build:
        build_if_missing(_explorer(args))
    command = streamlit_command(args.address, args.port)
    print(f"opening the explorer at http://{args.address}:{args.port}", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    # The server takes this process's place: a first run's build leaves its model and index in memory,
    # which a child server would keep beside its own for as long as it runs; Ctrl-C reaches it directly.
    try:
        os.execv(command[0], command)
    except OSError as error:
        raise ExplorerError(
            f"cannot start the Streamlit server ({error.strerror or error}): reinstall with `make install`"
        ) from None


def build_if_missing(explorer) -> None:
    """Before serving, build the index from the corpus if there is none yet, so the README's one command
    opens the app on the articles (the app itself only offers a button: a visitor should not start a long
    build by opening a page). A corpus with nothing to read is left to the app, which says what to add."""
    corpus = Path(explorer.settings.corpus_path)
    if explorer.has_index() or not corpus.exists():
        return
    print(f"no index yet in {explorer.index_dir}: building it from {corpus} first", file=sys.stderr)
    try:
        report = _build_with_progress(explorer, corpus)
    except ExplorerError as error:
        print(f"note: {error}; the app will offer to build once there are articles", file=sys.stderr)
        return
    print(f"{report.summary()} in {explorer.index_dir}", file=sys.stderr)


def _check_port_free(address: str, port: int) -> None:
    """Refuse a port something already listens on, saying what to do (Streamlit only says it is taken)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as probe:
        # As Tornado does: a port held only by closed connections (a server just stopped) is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError as error:
            raise ExplorerError(
                f"cannot serve on {address}:{port} ({error.strerror or error}): if the explorer is already "
                f"running there, open http://{address}:{port}; otherwise choose another port with --port"
            ) from None


COMMANDS = {
    "build": cmd_build,
    "ask": cmd_ask,
    "related": cmd_related,
    "passages": cmd_passages,
    "themes": cmd_themes,
    "articles": cmd_articles,
    "serve": cmd_serve,
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command's own parser, so the hint names its --help
        parser.commands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        COMMANDS[args.command](args)
    except ExplorerError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - the user gets one line, developers get EXPLORER_DEBUG
        if os.environ.get("EXPLORER_DEBUG"):
            raise
        print(
            f"error: unexpected {type(error).__name__}: {error} (set EXPLORER_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
