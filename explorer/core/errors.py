"""Errors the core raises, each with a message a person can act on.

Every error the user may see derives from :class:`ExplorerError`; its ``str()`` is a
complete, one-line sentence naming what went wrong and where, so the CLI and the app
can show it as it is.

Examples
--------
>>> err = FormatError("Unexpected end of file", path="map.ttl", line=3, column=11)
>>> str(err)
'map.ttl, line 3, column 11: Unexpected end of file'
"""

from __future__ import annotations

from pathlib import Path


class ExplorerError(Exception):
    """Base class of every error meant to be shown to a person."""


class FormatError(ExplorerError):
    """A file could not be read as RDF: names the file, line, column and reason.

    Parameters
    ----------
    reason : str
        What is wrong, in words.
    path : str or Path, optional
        The file (or a description of the source, such as ``"<stdin>"``).
    line, column : int, optional
        1-based position of the problem, when the parser knows it.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.reason = reason
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = [self.path] if self.path else []
        if self.line is not None:
            where.append(f"line {self.line}")
            if self.column is not None:
                where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class UnsafeInputError(FormatError):
    """Input refused before parsing because parsing it could harm the machine.

    Examples are XML entity declarations (the "billion laughs" expansion) and
    documents that would make the parser fetch something from the network.
    """


class NetworkBlockedError(ExplorerError):
    """Something tried to reach the network or a file while that was not allowed."""


class MapLockedError(ExplorerError):
    """The map file is open for editing in another running copy of the app."""


class CommandError(ExplorerError):
    """An edit could not be made (for example, a node that does not exist)."""


class SaveError(ExplorerError):
    """A map could not be written; the previous file on disk is left as it was."""


class OperationCancelled(ExplorerError):
    """Long work (loading, saving, converting) was cancelled by the user."""


class QueryError(ExplorerError):
    """A SPARQL query could not be run (syntax error, or a value bound to a variable it does not select)."""
