"""Semantic Similarity Explorer: explore a collection of news articles by meaning.

The pipeline, one module per step::

    corpus -> passages -> embed -> store (FAISS on disk) -> search / themes -> cli, app

Front ends use :class:`explorer.explorer.Explorer` only.

The names below are imported on first use (PEP 562): importing any
``explorer.*`` module runs this file, and a cold ``explorer ask`` must not pay
for the facade's dependencies (scikit-learn, torch) it does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explorer.errors import ExplorerError
    from explorer.explorer import BuildReport, Explorer
    from explorer.settings import Settings

__all__ = ["BuildReport", "Explorer", "ExplorerError", "Settings"]
__version__ = "0.1.0"

_HOMES = {
    "BuildReport": "explorer.explorer",
    "Explorer": "explorer.explorer",
    "ExplorerError": "explorer.errors",
    "Settings": "explorer.settings",
}


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'explorer' has no attribute {name!r}")
