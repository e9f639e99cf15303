import json
import shutil
import threading

import numpy as np
import pytest

from explorer import store
from explorer.errors import ExplorerError, IndexMissingError
from explorer.records import Passage


def sample(n: int = 4, d: int = 8):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(n, d)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = [Passage(f"a:{i:03d}", "a", "T", f"text {i}", 0, 6) for i in range(n)]
    return passages, vectors


def write(tmp_path, n=4):
    passages, vectors = sample(n)
    manifest = store.write_index(tmp_path, {"model": "m@1"}, passages, vectors, {"assignments": [0] * n})
    return passages, vectors, manifest


def test_round_trip(tmp_path):
    passages, vectors, manifest = write(tmp_path)
    loaded = store.load_index(tmp_path)
    assert loaded.passages == passages
    assert np.allclose(loaded.vectors, vectors)
    assert loaded.manifest["passage_count"] == 4
    assert loaded.manifest["dimension"] == 8
    assert loaded.manifest["format_version"] == store.FORMAT_VERSION
    assert loaded.faiss_index.ntotal == 4


def test_rewrite_keeps_one_generation(tmp_path):
    write(tmp_path)
    write(tmp_path, n=5)
    generations = [p for p in tmp_path.iterdir() if p.name.startswith("gen-")]
    assert len(generations) == 1
    assert store.load_index(tmp_path).manifest["passage_count"] == 5


def test_missing_index_says_to_build(tmp_path):
    with pytest.raises(IndexMissingError, match="explorer build"):
        store.load_index(tmp_path)


def test_an_index_path_that_is_a_file_says_so(tmp_path):
    """Not "no index here, run `explorer build`": a build would fail on the same file."""
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ExplorerError, match="is a file, not a folder") as caught:
        store.load_index(tmp_path / "a-file")
    assert not isinstance(caught.value, IndexMissingError)


def test_a_missing_data_folder_is_named(tmp_path):
    _, _, manifest = write(tmp_path)
    shutil.rmtree(tmp_path / manifest["generation"])
    with pytest.raises(ExplorerError, match=f"index data folder .*{manifest['generation']} is missing.*explorer build"):
        store.load_index(tmp_path)


@pytest.mark.parametrize("name", [store.VECTORS, store.PASSAGES, store.THEMES])
def test_damaged_file_is_detected(tmp_path, name):
    _, _, manifest = write(tmp_path)
    path = tmp_path / manifest["generation"] / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ExplorerError, match="damaged.*explorer build"):
        store.load_index(tmp_path)


def test_truncated_file_is_detected(tmp_path):
    _, _, manifest = write(tmp_path)
    path = tmp_path / manifest["generation"] / store.VECTORS
    path.write_bytes(path.read_bytes()[:10])
    with pytest.raises(ExplorerError, match="damaged"):
        store.load_index(tmp_path)


def test_damaged_manifest_and_wrong_version(tmp_path):
    write(tmp_path)
    manifest_path = tmp_path / store.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = 99
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ExplorerError, match="format version 99"):
        store.load_index(tmp_path)
    manifest_path.write_text("{not json")
    with pytest.raises(ExplorerError, match="manifest.*damaged"):
        store.load_index(tmp_path)


def test_second_build_lock_is_refused(tmp_path):
    holding = threading.Event()
    release = threading.Event()

    def hold():
        with store.build_lock(tmp_path):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(5)
    try:
        with pytest.raises(ExplorerError, match="another build"), store.build_lock(tmp_path):
            pass
    finally:
        release.set()
        thread.join()
    with store.build_lock(tmp_path):  # free again afterwards
        pass


def test_leftovers_of_a_killed_build_do_not_matter(tmp_path):
    write(tmp_path)
    (tmp_path / ".staging-dead").mkdir()
    (tmp_path / ".staging-dead" / store.VECTORS).write_bytes(b"partial")
    assert store.load_index(tmp_path).manifest["passage_count"] == 4
    write(tmp_path)
    assert not (tmp_path / ".staging-dead").exists()


def test_a_build_that_finishes_during_a_read_does_not_fail_the_read(tmp_path, monkeypatch):
    """A reader that has read the manifest when a build swaps in a new generation (and deletes the old
    one) finds its files gone: that is no damage, so it reads the new generation instead."""
    write(tmp_path)
    real = store._load_generation
    swaps = []

    def racing(index_dir, manifest, verify):
        if not swaps:  # a build lands between reading the manifest and reading the files
            swaps.append(write(tmp_path, n=5)[2]["generation"])
        return real(index_dir, manifest, verify)

    monkeypatch.setattr(store, "_load_generation", racing)
    loaded = store.load_index(tmp_path)
    assert loaded.manifest["generation"] == swaps[0] and len(loaded.passages) == 5
    # A generation that is really damaged is still reported: the manifest did not move.
    generation = tmp_path / loaded.manifest["generation"]
    (generation / store.PASSAGES).write_text("broken")
    with pytest.raises(ExplorerError, match="explorer build"):
        store.load_index(tmp_path)


def test_a_folder_that_cannot_be_written_is_one_clear_error_and_keeps_the_index(tmp_path, monkeypatch):
    """A read-only or full disk gave "unexpected PermissionError: ... .staging-..." (the tests run as root,
    where permissions do not bite, so the failure is injected where the files are written)."""
    import errno

    passages, _, manifest = write(tmp_path)

    def full_disk(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "_write_file", full_disk)
    with pytest.raises(ExplorerError, match=r"cannot write the index in .*No space left on device.*unchanged"):
        write(tmp_path, n=5)
    assert store.load_index(tmp_path).passages == passages

    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(store.Path, "open", read_only)
    with (
        pytest.raises(ExplorerError, match=r"cannot write the index in .*Read-only file system"),
        store.build_lock(tmp_path),
    ):
        pass
