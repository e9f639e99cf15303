"""Semantic Similarity Explorer: explore a collection of news articles by meaning.

The pipeline, one module per step::

    corpus -> passages -> embed -> store (FAISS on disk) -> search / themes -> cli, app

Front ends use :class:`explorer.explorer.Explorer` only.
"""

from explorer.errors import ExplorerError
from explorer.explorer import BuildReport, Explorer
from explorer.settings import Settings

__all__ = ["BuildReport", "Explorer", "ExplorerError", "Settings"]
__version__ = "0.1.0"
