"""Errors the command line turns into one line naming the file and the reason."""


class WujinError(Exception):
    """Base class: ``str(error)`` is the whole one-line message."""


class BadInput(WujinError):
    """A page file that cannot be ingested."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DatabaseError(WujinError):
    """A database that cannot be opened, upgraded or written."""
