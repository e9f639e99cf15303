"""A folder of broken and hostile inputs goes through the real CLI: warnings, never tracebacks."""

import json
import random
import subprocess
import sys

from .test_corpus import minimal_pdf


def run(*args):
    return subprocess.run([sys.executable, "-m", "explorer.cli", *args], capture_output=True, text=True, timeout=600)


def test_broken_files_are_reported_and_good_records_indexed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Good article\n\nThe river flooded the valley after a week of heavy rain.\n")
    (corpus / "copy.txt").write_text("Good article\n\nThe river flooded the valley after a week of heavy rain.\n")
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (corpus / "latin.txt").write_bytes(b"Caf\xe9 news\n\nThe caf\xe9 opened again \x81\x8d after repairs.")
    (corpus / "scripts.html").write_text("<html><script>alert(1)</script><script>x()</script></html>")
    (corpus / "scan.pdf").write_bytes(minimal_pdf("").replace(b"() Tj", b""))
    (corpus / "records.jsonl").write_text(
        json.dumps({"id": "r1", "text": "A record about mountain glaciers retreating."})
        + "\n{not json\n"
        + json.dumps({"id": "r2"})
        + "\n"
        + json.dumps({"id": "r3", "text": "Emoji 🚀 and right-to-left مرحبا بالعالم text survive."})
        + "\n"
    )
    (corpus / "rows.csv").write_text("id,title,text\nc1,Row,A good row about trains.\nc2,Bad,too,many,fields\n")
    (corpus / "giant-line.txt").write_text("Giant\n\n" + "word " * 60000)
    (corpus / "hostile.md").write_text(
        "Hostile <script>window.__pwned=1</script>\n\n<img src=x onerror=alert(1)> [click](javascript:alert(1)) "
        "**bold** and a very long token " + "A" * 5000 + "\n"
    )
    index = tmp_path / "index"
    result = run("build", str(corpus), "--index", str(index))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    joined = "\n".join(warnings)
    for expected in (
        "empty.txt",
        "binary.txt",
        "scripts.html",
        "scan.pdf",
        "records.jsonl",
        "rows.csv",
        "same text as",
    ):
        assert expected in joined, expected
    assert "latin.txt" in joined  # decoded with replacements, and said so
    passages = json.loads(run("passages", "--index", str(index), "--json").stdout)
    ids = {p["article_id"] for p in passages}
    assert {"latin", "r1", "r3", "c1", "giant-line", "hostile"} <= ids
    assert len({"good", "copy"} & ids) == 1 and "r2" not in ids
    assert max(len(p["text"]) for p in passages) <= 4000

    answer = run("ask", "🚀 مرحبا", "--index", str(index), "--json")
    assert answer.returncode == 0
    assert json.loads(answer.stdout)[0]["article_id"] == "r3"


def test_only_broken_files_is_one_clear_error(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("   \n")
    (corpus / "binary.md").write_bytes(b"\x00" * 50)
    result = run("build", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no readable documents" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "index" / "manifest.json").exists()


def test_junk_bytes_without_a_nul_are_no_article_and_leave_the_index_alone(tmp_path):
    """Random high bytes decode to U+FFFD and stray symbols, with no NUL byte to give them away: read as
    an article, a folder of such junk replaced a 122-article index with one garbled "article"."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "river.txt").write_text("River news\n\nThe river flooded the valley after a week of heavy rain.\n")
    index = tmp_path / "index"
    assert run("build", str(good), "--index", str(index)).returncode == 0
    junk = tmp_path / "junk"
    junk.mkdir()
    noise = random.Random(7)
    (junk / "high.txt").write_bytes(bytes(noise.randrange(128, 256) for _ in range(2000)))
    (junk / "mixed.md").write_bytes(bytes(noise.randrange(1, 256) for _ in range(500)))
    (junk / "records.jsonl").write_bytes(bytes(noise.randrange(128, 256) for _ in range(800)))
    result = run("build", str(junk), "--index", str(index))
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no readable documents" in errors[0] and "binary file" in errors[0], result.stderr
    passages = json.loads(run("passages", "--index", str(index), "--json").stdout)
    assert [p["article_id"] for p in passages] == ["river"]


def test_library_chatter_does_not_reach_the_user(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Good article\n\nThe river flooded the valley after a week of heavy rain.\n")
    (corpus / "scan.pdf").write_bytes(minimal_pdf("").replace(b"() Tj", b""))
    result = run("build", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode == 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert all(line.startswith("warning:") for line in lines), lines


def test_articles_with_only_titles_are_one_clear_error_and_keep_the_index(tmp_path):
    """Every file read, none with text below its title: no passages at all. That crashed with
    "unexpected ValueError: max() arg is an empty sequence" and four lines of numpy warnings."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Good article\n\nThe river flooded the valley after a week of heavy rain.\n")
    index = tmp_path / "index"
    assert run("build", str(corpus), "--index", str(index)).returncode == 0
    before = (index / "manifest.json").read_bytes()
    titles = tmp_path / "titles"
    titles.mkdir()
    (titles / "one.txt").write_text("Just a headline and nothing else\n")
    result = run("build", str(titles / "one.txt"), "--index", str(index))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "only a title" in result.stderr and "add the article's text" in result.stderr
    (titles / "two.txt").write_text("Another headline alone\n")
    result = run("build", str(titles), "--index", str(index))
    assert result.returncode == 2 and "each of its 2 articles is a title without text" in result.stderr
    assert (index / "manifest.json").read_bytes() == before
    # Beside a real article, a title alone is warned about and not counted as an article.
    (titles / "real.txt").write_text("Real story\n\nThe harbour reopened on Monday after a week of storms.\n")
    result = run("build", str(titles), "--index", str(index))
    assert result.returncode == 0 and "from 1 article " in result.stdout
    assert result.stderr.count("nothing to index besides the title") == 2


def test_identical_passages_build_without_warnings_from_the_libraries(tmp_path):
    """Every passage the same (one wire story under several headlines): PCA has no variance to explain,
    and sklearn's division by zero printed two RuntimeWarning lines with source code on stderr."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for headline in ("Breaking", "Update", "Opinion", "World"):
        (corpus / f"{headline.lower()}.txt").write_text(
            f"{headline}\n\nThe river flooded the valley after a week of heavy rain in the hills.\n"
        )
    result = run("build", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "\n  " not in result.stderr, result.stderr


def test_an_empty_path_is_refused_not_read_as_the_current_folder(tmp_path, monkeypatch):
    """`--index "$UNSET"` used to build an index among the files of the current folder."""
    for args in (["build", str(tmp_path), "--index", ""], ["build", " "], ["passages", "--index", ""]):
        result = subprocess.run(
            [sys.executable, "-m", "explorer.cli", *args], capture_output=True, text=True, cwd=tmp_path
        )
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1 and "empty path: give a folder" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []

    from explorer.settings import Settings

    monkeypatch.setenv("EXPLORER_INDEX", "")
    monkeypatch.setenv("EXPLORER_CORPUS", "  ")
    settings = Settings.from_env()
    assert settings.index_dir.name == "embeddings" and settings.corpus_path.name == "corpus"
