"""The one exception type a user is meant to see.

Front ends catch :class:`ExplorerError` and print its message as a single line;
anything else is a bug. Messages say what was wrong and what to do about it.
"""


class ExplorerError(Exception):
    """A problem with the user's input or files, explained in one line."""


class IndexMissingError(ExplorerError):
    """No index has been built in the requested directory yet."""
