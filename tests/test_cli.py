"""The CLI contract, driven through subprocesses as an outside checker would."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS, free_port, wait_until_healthy


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "explorer.cli", *args], capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_build_ask_and_list_through_the_cli(tmp_path):
    index = tmp_path / "index"
    build = run("build", str(CORPUS), "--index", str(index))
    assert "62 passages" in build.stdout or "passages from 5 articles" in build.stdout
    assert "Traceback" not in build.stderr

    answer = run("ask", "which armed groups does Tehran work through?", "--k", "3", "--index", str(index), "--json")
    hits = json.loads(answer.stdout)
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert set(hits[0]) >= {"rank", "score", "passage_id", "article_id", "title", "text"}
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]
    assert any("Kataib Hezbollah" in h["text"] for h in hits)

    passages = json.loads(run("passages", "--index", str(index), "--json").stdout)
    assert {"passage_id", "article_id", "title", "text"} <= set(passages[0])
    assert {p["article_id"] for p in passages} == {f.stem for f in CORPUS.glob("*.txt")}

    source = next(p for p in passages if "Kataib Hezbollah" in p["text"])
    related = json.loads(run("related", source["passage_id"], "--k", "4", "--index", str(index), "--json").stdout)
    assert len(related) == 4 and all(h["article_id"] != source["article_id"] for h in related)

    themes = json.loads(run("themes", "--index", str(index), "--json").stdout)
    assert sum(t["size"] for t in themes) == len(passages)
    for theme in themes:
        assert set(theme) >= {"theme_id", "label", "keywords", "size", "article_ids", "passages"}
        assert theme["size"] == len(theme["passages"])
        assert set(theme["passages"][0]) >= {"passage_id", "article_id", "text"}
        titles = {p["passage_id"]: p["title"] for p in passages}
        assert all(p["title"] == titles[p["passage_id"]] for p in theme["passages"])
    if any(t["theme_id"] == -1 for t in themes):
        assert next(t for t in themes if t["theme_id"] == -1)["label"] == "unassigned"

    text = run("ask", "Who trains the Iraqi army?", "--index", str(index)).stdout
    assert text.lstrip().startswith("1.")

    # The index mirrors what it is built from: building from one file drops the other four, and says so.
    one = sorted(CORPUS.glob("*.txt"))[0]
    narrowed = run("build", str(one), "--index", str(index))
    assert f"note: 4 articles indexed before are not in {one}, so the index dropped them" in narrowed.stderr
    others = sorted(f.stem for f in CORPUS.glob("*.txt") if f != one)
    assert f"  removed: {', '.join(others)}" in narrowed.stdout.splitlines()
    assert {p["article_id"] for p in json.loads(run("passages", "--index", str(index), "--json").stdout)} == {one.stem}
    widened = run("build", str(CORPUS), "--index", str(index))
    assert "note:" not in widened.stderr
    assert f"  added: {', '.join(others)}" in widened.stdout.splitlines()
    assert not any(line.lstrip().startswith(("changed:", "removed:")) for line in widened.stdout.splitlines())


def test_batch_queries_print_one_json_line_each(seed_index_dir, tmp_path):
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps({"id": "q1", "text": "tanks crossing the border"})
        + "\n"
        + json.dumps({"id": 7, "text": "who was killed in Baghdad in 2020?"})
        + "\n"
    )
    result = run("ask", "--queries", str(queries), "--k", "2", "--index", str(seed_index_dir), "--json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query_id"] for line in lines] == ["q1", 7]
    assert all(len(line["hits"]) == 2 for line in lines)
    assert "unmentioned" not in lines[0]


def test_a_name_no_article_mentions_is_reported(seed_index_dir, tmp_path):
    question = "Did Hezbollah and the Houthis in Yemen back Baghdad?"
    single = run("ask", question, "--k", "1", "--index", str(seed_index_dir))
    assert 'note: no passage mentions "Houthis" or "Yemen"' in single.stderr and "1." in single.stdout
    queries = tmp_path / "queries.jsonl"
    queries.write_text(json.dumps({"id": "y", "text": question}) + "\n")
    batch = json.loads(run("ask", "--queries", str(queries), "--k", "1", "--index", str(seed_index_dir)).stdout)
    assert batch["unmentioned"] == ["Houthis", "Yemen"] and len(batch["hits"]) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["build", "/no/such/folder"], "does not exist"),
        (["ask", "   "], "empty"),
        (["ask", "anything"], "no index"),
        (["related", "nope:000"], "no index"),
        (["themes"], "no index"),
    ],
)
def test_bad_input_gives_one_clear_line(tmp_path, args, message):
    result = run(*args, "--index", str(tmp_path / "missing-index"), check=False)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0] and "Traceback" not in result.stderr


def test_damaged_index_and_unknown_passage(seed_index_dir, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(seed_index_dir, broken)
    manifest = json.loads((broken / "manifest.json").read_text())
    (broken / manifest["generation"] / "passages.jsonl").write_text("garbage")
    result = run("ask", "militias", "--index", str(broken), check=False)
    assert result.returncode != 0 and "damaged" in result.stderr and "explorer build" in result.stderr
    unknown = run("related", "nope:000", "--index", str(seed_index_dir), check=False)
    assert unknown.returncode != 0 and "no passage" in unknown.stderr


def test_empty_folder_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("build", str(tmp_path / "empty"), "--index", str(tmp_path / "i"), check=False)
    assert result.returncode != 0 and "no readable documents" in result.stderr


def test_an_index_path_that_is_a_file_is_one_clear_error(tmp_path):
    (tmp_path / "taken").write_text("my notes")
    for index in (tmp_path / "taken", tmp_path / "taken" / "below"):
        result = run("build", str(CORPUS), "--index", str(index), check=False)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1 and "set the index to a folder" in result.stderr
    assert (tmp_path / "taken").read_text() == "my notes"  # the file in the way is left alone


def test_search_options_through_the_cli(seed_index_dir):
    index = str(seed_index_dir)
    lexical = json.loads(run("ask", "Khanaqin", "--mode", "lexical", "--k", "2", "--index", index, "--json").stdout)
    assert "Khanaqin" in lexical[0]["text"]
    assert lexical[0]["highlight"] in lexical[0]["text"]
    per_article = json.loads(
        run("ask", "Iranian militias", "--per-article", "--k", "5", "--index", index, "--json").stdout
    )
    assert len({h["article_id"] for h in per_article}) == len(per_article) == 5
    diverse = json.loads(run("ask", "Iranian militias", "--mmr", "--k", "4", "--index", index, "--json").stdout)
    assert len(diverse) == 4
    bad = run("ask", "x", "--mode", "fuzzy", "--index", index, check=False)
    assert bad.returncode != 0


def test_article_overlap_through_the_cli(seed_index_dir):
    index = str(seed_index_dir)
    every = run("articles", "--index", index)
    lines = every.stdout.splitlines()
    assert len(lines) == 10 and "note:" not in every.stderr  # 5 articles: every pair
    scores = [float(line.split()[0]) for line in lines]
    assert scores == sorted(scores, reverse=True)
    top = run("articles", "--top", "2", "--index", index)
    assert top.stdout.splitlines() == lines[:2] and "2 most overlapping of 10 pairs" in top.stderr
    matrix = json.loads(run("articles", "--json", "--index", index).stdout)
    assert len(matrix["article_ids"]) == 5 and len(matrix["similarity"]) == 5
    bad = run("articles", "--top", "-1", "--index", index, check=False)
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and "--top" in bad.stderr


def test_one_article_and_two_articles_through_the_cli(seed_index_dir):
    """`articles A` lists the other articles by overlap with A (the figures of the whole matrix);
    `articles A B` prints their closest passage pairs, each passage once; mistakes are one line each."""
    index = str(seed_index_dir)
    matrix = json.loads(run("articles", "--json", "--index", index).stdout)
    names, similarity = matrix["article_ids"], matrix["similarity"]
    first = names[0]
    partners = json.loads(run("articles", first, "--json", "--index", index).stdout)
    assert [p["article_id"] for p in partners] != [] and first not in [p["article_id"] for p in partners]
    expected = sorted(((similarity[0][j], names[j]) for j in range(1, len(names))), reverse=True)
    assert [(p["overlap"], p["article_id"]) for p in partners] == [(round(s, 4), a) for s, a in expected]
    assert all(p["title"] for p in partners)
    text = run("articles", first, "--top", "2", "--index", index).stdout.splitlines()
    assert len(text) == 2 and text[0].split()[1] == expected[0][1]

    pairs = json.loads(run("articles", first, expected[0][1], "--k", "4", "--json", "--index", index).stdout)
    assert [p["rank"] for p in pairs] == [1, 2, 3, 4]
    assert all(p["a"]["article_id"] == first and p["b"]["article_id"] == expected[0][1] for p in pairs)
    assert len({p["a"]["passage_id"] for p in pairs}) == len({p["b"]["passage_id"] for p in pairs}) == 4
    assert [p["score"] for p in pairs] == sorted((p["score"] for p in pairs), reverse=True)

    for args, says in (
        ((first, first), "two different articles"),
        (("no-such-article",), "no article 'no-such-article'"),
        ((first, names[1], names[2]), "at most two article ids"),
    ):
        bad = run("articles", *args, "--index", index, check=False)
        assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and says in bad.stderr, bad.stderr


def test_off_topic_question_says_nothing_relevant(seed_index_dir):
    result = run("ask", "chocolate cake recipe with strawberries", "--index", str(seed_index_dir))
    assert "nothing relevant" in result.stderr


def test_serving_on_a_port_in_use_is_one_clear_error():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port), check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


def test_the_server_takes_the_place_of_the_serve_command(tmp_path):
    """`explorer serve` hands its process to the Streamlit server: a first run's build would otherwise
    keep a model and an index in a waiting parent for as long as the app runs, and Ctrl-C reaches the
    server itself. The process started as `explorer serve` must be the one answering on the port."""
    import os

    port = free_port()
    env = {**os.environ, "EXPLORER_INDEX": str(tmp_path / "index"), "EXPLORER_CORPUS": str(tmp_path / "none")}
    server = subprocess.Popen(
        [sys.executable, "-m", "explorer.cli", "serve", "--port", str(port), "--no-build"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server, timeout=120)
        command_line = (Path("/proc") / str(server.pid) / "cmdline").read_bytes().split(b"\0")
        assert b"explorer.app.serve" in command_line and b"explorer.cli" not in command_line
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_theme_over_many_articles_names_those_holding_most_of_it():
    """A BBC News theme spans 270 articles: the text output names the 10 holding most of its passages."""
    from explorer.cli import _articles_line
    from explorer.records import Passage, Theme

    passages = [Passage(f"a{n:02d}:{k:03d}", f"a{n:02d}", "t", "x", 0, 1) for n in range(14) for k in range(1 + n % 3)]
    theme = Theme(0, "label", [], passages, sorted({p.article_id for p in passages}))
    line = _articles_line(theme)
    assert line.startswith("a02 (3), a05 (3), a08 (3), a11 (3), a01 (2), a04 (2)")
    assert line.endswith("and 4 more (--json lists them all)") and line.count("(") == 11
    few = Theme(0, "label", [], passages[:3], ["a00", "a01"])
    assert _articles_line(few) == "a00, a01"


def test_serve_builds_a_missing_index_first_and_leaves_an_existing_one(tmp_path, monkeypatch, capsys):
    """`make run` is `explorer serve`: on a fresh clone it must open the app on the articles, index built."""
    from explorer.cli import build_if_missing
    from explorer.explorer import Explorer
    from explorer.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text(
        "Rivers\n\nThe river flooded the valley after a week of heavy rain in the mountains nearby.\n"
    )
    monkeypatch.setenv("EXPLORER_CORPUS", str(corpus))
    monkeypatch.setenv("EXPLORER_INDEX", str(tmp_path / "index"))
    build_if_missing(Explorer(Settings.from_env()))
    manifest = tmp_path / "index" / "manifest.json"
    assert manifest.exists() and "building it from" in capsys.readouterr().err
    built = manifest.stat().st_mtime_ns
    build_if_missing(Explorer(Settings.from_env()))
    assert manifest.stat().st_mtime_ns == built and "building" not in capsys.readouterr().err

    # Nothing to read: no index and one note; the server still starts, and the app says what to add.
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("EXPLORER_CORPUS", str(empty))
    monkeypatch.setenv("EXPLORER_INDEX", str(tmp_path / "none"))
    build_if_missing(Explorer(Settings.from_env()))
    assert not (tmp_path / "none" / "manifest.json").exists() and "note:" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, said",
    [
        (["ask", "Iran", "--k", "abc"], "argument --k: invalid int value: 'abc'; see `explorer ask --help`"),
        (["ask", "Iran", "--mode", "fuzzy"], "invalid choice: 'fuzzy'"),
        (["ask", "Iran", "--bogus"], "unrecognized arguments: --bogus; see `explorer ask --help`"),
        (["themes", "--n-themes"], "expected one argument; see `explorer themes --help`"),
        (["bogus"], "invalid choice: 'bogus'"),
        ([], "the following arguments are required: COMMAND; see `explorer --help`"),
    ],
)
def test_a_usage_error_is_one_line_that_names_the_help_to_read(args, said):
    """argparse printed its usage block before the error: 2-5 lines for one mistake."""
    result = run(*args, check=False)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ") and said in result.stderr


def test_a_questions_file_is_read_as_people_write_them(seed_index_dir, tmp_path):
    index = str(seed_index_dir)
    queries = tmp_path / "queries.jsonl"
    # A byte-order mark (Windows editors write one) and a query with no id.
    queries.write_bytes("\ufeff".encode() + b'{"id": "a", "text": "tanks"}\n\n{"text": "militias"}\n')
    result = run("ask", "--queries", str(queries), "--k", "1", "--index", index)
    assert [json.loads(line)["query_id"] for line in result.stdout.splitlines()] == ["a", 3]
    assert result.stderr.count("\n") == 1 and "no 'id'" in result.stderr and "line number" in result.stderr
    for args, said in [
        (["--queries", str(tmp_path)], "is a folder"),
        (["--queries", str(tmp_path / "none.jsonl")], "does not exist"),
        (["tanks", "--queries", str(queries)], "not both"),
    ]:
        bad = run("ask", *args, "--index", index, check=False)
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and said in bad.stderr, bad.stderr
    # The same id twice (an outside check's file): both answered, in order, with one warning.
    queries.write_text('{"id": "q1", "text": "tanks"}\n{"id": "q1", "text": "militias"}\n{"id": 2, "text": "ISIS"}\n')
    twice = run("ask", "--queries", str(queries), "--k", "1", "--index", index)
    assert [json.loads(line)["query_id"] for line in twice.stdout.splitlines()] == ["q1", "q1", 2]
    assert twice.stderr.count("\n") == 1 and "used more than once" in twice.stderr and '"q1"' in twice.stderr
    queries.write_text("\n")
    empty = run("ask", "--queries", str(queries), "--index", index, check=False)
    assert empty.returncode == 2 and "holds no queries" in empty.stderr
    # Other tools' query files: BEIR's "_id" with "text", and "query" or "question" for the question.
    queries.write_text('{"_id": "b1", "text": "tanks"}\n{"id": "q", "query": "militias"}\n{"question": "ISIS"}\n')
    aliases = [
        json.loads(line)
        for line in run("ask", "--queries", str(queries), "--k", "1", "--index", index).stdout.splitlines()
    ]
    assert [a["query_id"] for a in aliases] == ["b1", "q", 3] and all(len(a["hits"]) == 1 for a in aliases)
    # An empty question is answered in place, with no hits and an error, and said on stderr.
    queries.write_text('{"id": "a", "text": "tanks"}\n{"id": "b", "text": "  "}\n')
    blank = run("ask", "--queries", str(queries), "--k", "1", "--index", index)
    answers = [json.loads(line) for line in blank.stdout.splitlines()]
    assert len(answers[0]["hits"]) == 1 and answers[1]["hits"] == [] and "empty" in answers[1]["error"]
    assert blank.stderr.count("\n") == 1 and '1 query with an empty "text" (line 2)' in blank.stderr
    # One line that is not a query stops the batch before any answer, naming the line.
    for line, said in [
        ("not json", ":2: not a query"),
        ('{"id": "x"}', ":2: not a query"),
        ('{"text": 7}', ':2: "text" must be a string'),
    ]:
        queries.write_text('{"id": "a", "text": "tanks"}\n' + line + "\n")
        bad = run("ask", "--queries", str(queries), "--index", index, check=False)
        assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.count("\n") == 1 and said in bad.stderr, (
            bad.stderr
        )


def test_related_says_when_no_paragraph_of_another_article_is_close(outlier_index_dir):
    """The lost cat has no kin among bees and rockets: `related` still lists the nearest, and says they are
    weak matches (an outside check found off-topic padding at cosine 0.30 with no word of warning)."""
    lost_cat = run("related", "cat:000", "--k", "2", "--index", str(outlier_index_dir), "--json")
    hits = json.loads(lost_cat.stdout)
    assert len(hits) == 2 and "note: no paragraph of another article is close to this one" in lost_cat.stderr
    best = max(hit["similarity"] for hit in hits)
    assert f"(best {best:.3f}, under 0.40)" in lost_cat.stderr  # 0.398 once read "best 0.40"
    bees = run("related", "bees:000", "--k", "2", "--index", str(outlier_index_dir))
    assert "hives:000" in bees.stdout and "note:" not in bees.stderr
