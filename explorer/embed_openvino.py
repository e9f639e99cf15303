"""The fast embedding path: the sentence-transformers model, exported once to OpenVINO.

Why OpenVINO, measured in bench/embed_bench.py and explained in
docs/EMBEDDING.md: on CPUs with native bf16 it runs the model at more than
twice the speed of sentence-transformers fp32 with vectors that agree to a
cosine of 0.99998, and the runtime imports in a third of a second without
torch, so a question from a cold process is answered quickly.

How it stays the same model:

* The graph is exported from the loaded ``SentenceTransformer`` itself (its
  own modules: transformer and pooling), not rebuilt by hand; normalization
  happens here in fp32 numpy, as ``normalize_embeddings=True`` does.
* Tokens come from the model's ``tokenizer.json`` with the window and
  lower-casing of its ``sentence_bert_config.json``, as sentence-transformers
  applies them.
* At export the fp32 sentence-transformers vectors of :data:`CHECK_TEXTS` are
  stored next to the export. Before the compiled model is used, its vectors
  for those texts must agree with them (:data:`MIN_MEAN_COSINE`,
  :data:`MIN_COSINE`); a precision that fails is replaced by OpenVINO fp32,
  and if that fails too the embedder falls back to sentence-transformers.

The export lives in the user cache directory (``EXPLORER_CACHE``), keyed by
the model identity; it is written to a staging folder and renamed into place,
so concurrent first runs cannot leave half an export behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import threading
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from explorer.embed import LocalModel, ProgressCallback, SentenceTransformerEmbedder, load_sentence_transformer
from explorer.errors import ExplorerError

log = logging.getLogger(__name__)

EXPORT_VERSION = 1
"""Bumped when the export's layout or graph changes, so old exports are redone."""

MIN_MEAN_COSINE = 0.9999
MIN_COSINE = 0.999
"""The fast path must reproduce fp32 this closely on CHECK_TEXTS, or it is not used.

Stricter than the product's bar (mean 0.999 on real corpora) so that a model
or CPU for which bf16 is merely acceptable falls back to exact fp32 arithmetic.
"""

CHECK_TEXTS = (
    "Iran backs armed groups in Iraq.",
    "Which militias does Tehran work through?",
    "The central bank raised interest rates by a quarter of a point on Thursday.",
    "Shares in the carmaker fell 4% after it warned that profits would be lower than expected this year.",
    "The striker scored twice in the second half to give his side a 3-1 win.",
    "Scientists say the new vaccine protected nine in ten volunteers in the trial.",
    "Le président a annoncé des réformes économiques — café, naïve, Zürich, £300m.",
    "A short one.",
    "Brexit",
    "The Islamic Revolutionary Guard Corps offered to train Iraqi forces, officials in Baghdad said, "
    "while Washington warned against deepening military ties between the two neighbours.",
    " ".join(
        [
            "The government published its long-awaited plan for the railways, promising faster trains,",
            "cheaper tickets and new lines in the north, but critics said the money set aside was far",
            "too small and that passengers had heard such promises many times before.",
        ]
        * 8
    ),  # longer than the 256-token window: truncation must match
)

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/semantic-similarity-explorer``, else ``~/.cache/semantic-similarity-explorer``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "semantic-similarity-explorer"


def export_dir(cache_dir: Path, model_id: str) -> Path:
    """Where the export of one model lives: one folder per model identity and export version."""
    safe = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in model_id)
    return cache_dir / "openvino" / f"{safe}-v{EXPORT_VERSION}"


def export_model(model_dir: Path, model_id: str, cache_dir: Path) -> Path:
    """Export the sentence-transformers model to OpenVINO IR once; later calls return the folder.

    Needs torch and sentence-transformers (only here, only once per model).
    """
    target = export_dir(cache_dir, model_id)
    if (target / "meta.json").exists():
        return target
    import torch

    ov = import_openvino()
    log.warning("preparing the fast embedding path for %s (once per model; a few seconds)", model_id)
    st_model = load_sentence_transformer(model_dir)
    example = st_model.preprocess(["an example sentence", "a second, somewhat longer example sentence"])
    names = [name for name in _INPUTS if isinstance(example.get(name), torch.Tensor)]

    class SentenceEmbedding(torch.nn.Module):
        """The SentenceTransformer's own forward (transformer, pooling, ...), tensors in and out."""

        def __init__(self) -> None:
            super().__init__()
            self.st_model = st_model

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            features = {"input_ids": input_ids, "attention_mask": attention_mask, "modality": "text"}
            if token_type_ids is not None:
                features["token_type_ids"] = token_type_ids
            return self.st_model(features)["sentence_embedding"]

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent branches: shapes stay dynamic
        ov_model = ov.convert_model(SentenceEmbedding().eval(), example_input={n: example[n] for n in names})
    for port, name in zip(ov_model.inputs, names):
        port.get_tensor().set_names({name})
    ov_model.reshape({name: ov.PartialShape([-1, -1]) for name in names})
    reference = st_model.encode(list(CHECK_TEXTS), normalize_embeddings=True, convert_to_numpy=True)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        ov.save_model(ov_model, str(staging / "model.xml"), compress_to_fp16=False)
        np.save(staging / "check_fp32.npy", np.asarray(reference, dtype=np.float32))
        meta = {
            "model_id": model_id,
            "export_version": EXPORT_VERSION,
            "inputs": names,
            "openvino": ov.__version__,
            "checks": {},
        }
        (staging / "meta.json").write_text(json.dumps(meta, indent=2))
        try:
            staging.rename(target)
        except OSError:
            if not (target / "meta.json").exists():  # not a concurrent export winning the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


PAD_STEP = 16
"""Texts are padded to the next multiple of this many tokens, and batched only with texts padded alike."""


def padded_width(tokens: int) -> int:
    """The width a text of ``tokens`` tokens is padded to: a function of the text alone, never of the other
    texts in its batch. bf16 results depend on the padding (it changes the order of the sums): padded to its
    batch's longest member, a passage re-embedded in a rebuild beside other passages moved by up to 7e-4,
    and that was enough to give the same corpus other themes than a fresh build."""
    return -(-tokens // PAD_STEP) * PAD_STEP


def _tokenizer_config(model_dir: Path) -> dict:
    path = model_dir / "tokenizer_config.json"
    return json.loads(path.read_text()) if path.exists() else {}


def import_openvino():
    """``import openvino`` with its usage reporting switched off.

    Importing openvino sends an "import" event to Intel's analytics, and
    ``convert_model`` more, unless the user opted out beforehand
    (openvino-telemetry is opt-out for library use). This tool promises to work
    offline and send nothing, and a send that cannot reach the network can also
    hold a process open at exit. openvino's converter falls back to its own
    no-op stub when ``openvino_telemetry`` cannot be imported, so it is made
    unimportable for exactly the duration of the first ``import openvino``.
    """
    if "openvino" in sys.modules:
        return sys.modules["openvino"]
    missing = object()
    saved = sys.modules.get("openvino_telemetry", missing)
    sys.modules["openvino_telemetry"] = None  # type: ignore[assignment]  # makes `import` raise ImportError
    try:
        import openvino
    finally:
        if saved is missing:
            del sys.modules["openvino_telemetry"]
        else:
            sys.modules["openvino_telemetry"] = saved  # type: ignore[assignment]
    return openvino


class OpenVINOEmbedder(LocalModel):
    """Embed with the OpenVINO export of the model; same interface and vectors as fp32 (see module doc)."""

    def __init__(
        self,
        model: str = "",
        batch_size: int = 32,
        precision: str = "auto",
        cache_dir: Path | None = None,
        fallback: bool = True,
    ) -> None:
        super().__init__(model, batch_size)
        self.precision = precision
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.fallback = fallback
        self.fallback_reason = ""
        self._lock = threading.Lock()
        self._compiled = None
        self._requests: list = []
        self._inputs: list[str] = []
        self._delegate: SentenceTransformerEmbedder | None = None
        self._inference_precision = ""
        self._pad_id = 0
        self._lower_case = False
        self._window_tokenizer = None

    @property
    def backend(self) -> str:
        """``openvino-bf16``/``openvino-f32`` once compiled, ``torch-fp32`` after a fallback."""
        if self._delegate is not None:
            return self._delegate.backend
        return f"openvino-{self._inference_precision}" if self._inference_precision else "openvino"

    def prepare(self) -> None:
        """Export (first time), compile and check now rather than on the first encode."""
        with self._lock:
            self._ready()

    def _ready(self) -> bool:
        """True when the OpenVINO model is usable; False after falling back to fp32."""
        if self._compiled is not None:
            return True
        if self._delegate is not None:
            return False
        try:
            self._compile()
            return True
        except Exception as error:  # noqa: BLE001 - any failure of the fast path means: use fp32
            if not self.fallback:
                raise ExplorerError(
                    f"the OpenVINO embedding path failed ({error}); "
                    "set EXPLORER_BACKEND=torch to embed with sentence-transformers"
                ) from error
            self.fallback_reason = f"{type(error).__name__}: {error}"
            log.warning("fast embedding path unavailable (%s): using sentence-transformers fp32", error)
            self._delegate = SentenceTransformerEmbedder(str(self.model_dir), self.batch_size)
            return False

    def _compile(self) -> None:
        ov = import_openvino()
        folder = export_model(self.model_dir, self.model_id, self.cache_dir)
        meta = json.loads((folder / "meta.json").read_text())
        core = ov.Core()
        # Two streams of one thread each on a 2-core machine: batches run side by side.
        config = {"PERFORMANCE_HINT": "THROUGHPUT"}
        if self.precision == "f32":
            config["INFERENCE_PRECISION_HINT"] = "f32"
        self._inputs = list(meta["inputs"])
        self._configure_tokens()
        check: dict = {}
        for _attempt in ("as configured", "f32"):
            compiled = core.compile_model(str(folder / "model.xml"), "CPU", config)
            self._inference_precision = compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name()
            streams = int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
            self._compiled = compiled
            self._requests = [compiled.create_infer_request() for _ in range(max(1, streams))]
            check = self._check(folder, meta)
            if check["mean_cosine"] >= MIN_MEAN_COSINE and check["min_cosine"] >= MIN_COSINE:
                return
            self._compiled, self._requests = None, []
            if self._inference_precision == "f32":
                break
            log.warning(
                "OpenVINO %s vectors differ from fp32 (mean cosine %.6f): using OpenVINO fp32",
                self._inference_precision,
                check["mean_cosine"],
            )
            config["INFERENCE_PRECISION_HINT"] = "f32"
        self._inference_precision = ""
        raise ExplorerError(
            f"OpenVINO vectors for {self.model_id} do not match sentence-transformers fp32 "
            f"(mean cosine {check['mean_cosine']:.6f} on the check texts)"
        )

    def _check(self, folder: Path, meta: dict) -> dict:
        """Cosines to the stored fp32 vectors of CHECK_TEXTS, measured once per precision and kept in meta.json.

        Only the measurement is kept, not a verdict, so the thresholds apply as
        they are in the running code.
        """
        key = self._inference_precision
        if key not in meta["checks"]:
            reference = np.load(folder / "check_fp32.npy")
            cosines = np.sum(self._run(list(CHECK_TEXTS)) * reference, axis=1)
            meta["checks"][key] = {"mean_cosine": float(cosines.mean()), "min_cosine": float(cosines.min())}
            temporary = folder / f".meta-{uuid.uuid4().hex}.json"
            try:
                temporary.write_text(json.dumps(meta, indent=2))
                os.replace(temporary, folder / "meta.json")
            except OSError:  # a read-only cache still works; the check is simply measured again next time
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)
        return meta["checks"][key]

    def _configure_tokens(self) -> None:
        """A tokenizer that truncates to the window and pads with the model's pad token, as sentence-transformers.

        It is a second instance: the shared one counts word pieces of whole
        paragraphs and must not truncate.
        """
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_tokens)
        pad_token = _tokenizer_config(self.model_dir).get("pad_token")
        if isinstance(pad_token, dict):
            pad_token = pad_token.get("content")
        pad_id = tokenizer.token_to_id(pad_token) if isinstance(pad_token, str) else None
        self._pad_id = int(pad_id if pad_id is not None else 0)
        self._lower_case = bool(self.sentence_config().get("do_lower_case", False))
        self._window_tokenizer = tokenizer

    def _tokens(self, texts: list[str]) -> list:
        if self._lower_case:
            texts = [text.lower() for text in texts]
        return self._window_tokenizer.encode_batch(texts)

    def _batch(self, encodings: list, width: int) -> dict[str, np.ndarray]:
        """Pad one batch to ``width`` tokens (:func:`padded_width` of its members, which share it)."""
        arrays = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in self._inputs}
        arrays["input_ids"].fill(self._pad_id)
        for row, encoding in enumerate(encodings):
            size = len(encoding.ids)
            arrays["input_ids"][row, :size] = encoding.ids
            arrays["attention_mask"][row, :size] = 1
            if "token_type_ids" in arrays:
                arrays["token_type_ids"][row, :size] = encoding.type_ids
        return arrays

    def _run(self, texts: list[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Batches of texts padded alike, one in flight per stream; fp32 unit vectors out, in input order.

        Plain infer requests polled from this thread rather than an
        AsyncInferQueue with a Python callback: a callback runs on OpenVINO's
        threads and needs the GIL, which can deadlock when objects are torn down.
        """
        encodings = self._tokens(texts)
        # Never past the window (tokens are truncated to it; a window that is no multiple of the step ends there).
        widths = np.array([min(padded_width(len(e.ids)), self.max_tokens) for e in encodings])
        output = np.zeros((len(texts), self.dimension), dtype=np.float32)
        batches = []
        for width in np.unique(widths)[::-1]:  # the widest first, each width's texts together
            rows = np.flatnonzero(widths == width)
            batches += [rows[first : first + self.batch_size] for first in range(0, len(rows), self.batch_size)]
        requests = self._requests[: len(batches)]
        in_flight: list = [None] * len(requests)
        done = 0

        def collect(slot: int) -> int:
            requests[slot].wait()
            rows = in_flight[slot]
            output[rows] = requests[slot].get_output_tensor(0).data
            in_flight[slot] = None
            return len(rows)

        for number, rows in enumerate(batches):
            slot = number % len(requests)
            if in_flight[slot] is not None:
                done += collect(slot)
                if progress is not None:
                    progress(done, len(texts))
            requests[slot].start_async(self._batch([encodings[row] for row in rows], int(widths[rows[0]])))
            in_flight[slot] = rows
        for slot in range(len(requests)):
            if in_flight[slot] is not None:
                done += collect(slot)
        if progress is not None:
            progress(len(texts), len(texts))
        norms = np.linalg.norm(output, axis=1, keepdims=True)
        return output / np.maximum(norms, 1e-12)

    def encode(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:  # infer requests serve one caller at a time (the app shares an embedder)
            if not self._ready():
                return self._delegate.encode(texts, progress)  # type: ignore[union-attr]
            return np.ascontiguousarray(self._run(texts, progress), dtype=np.float32)
