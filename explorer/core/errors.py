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

import re
from pathlib import Path

from .text import clipped, one_line

#: Longest message shown: a reason may quote the input, which can be megabytes long.
MESSAGE_LIMIT = 400
# Terminal control: escape sequences (CSI, OSC and two-character ones) and any other control character.
_CONTROL = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_])?|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def printable(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` as one short line a terminal shows as it is: control sequences removed, cut to ``limit``.

    Examples
    --------
    >>> printable("bad \\x1b[31mred\\x1b[0m label\\nnext")
    'bad red label next'
    >>> printable("x" * 10, limit=5)
    'xxxx…'
    """
    text = _CONTROL.sub("", text[: 4 * limit].replace("\n", " ").replace("\r", " ").replace("\t", " "))
    return clipped(text, limit)


class ExplorerError(Exception):
    """Base class of every error meant to be shown to a person.

    Its ``str()`` is one line of at most :data:`MESSAGE_LIMIT` characters without control characters,
    whatever the input it quotes.
    """

    def __str__(self) -> str:
        return printable(super().__str__())


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


class JournalError(CommandError):
    """An edit was not made because the journal that keeps it safe from a crash could not be written.

    The map, its undo history and its saved/unsaved state are as they were before the edit.
    """


class SaveError(ExplorerError):
    """A map could not be written; the previous file on disk is left as it was."""


class ScenariosNotSaved(SaveError):
    """The chosen format holds one graph, so it cannot keep the map's scenarios; nothing was written.

    The app offers to save as TriG instead.

    Attributes
    ----------
    scenarios : tuple of str
        The names of the scenarios that would be left out.
    format_label : str
        The format asked for ("Turtle", ...).

    Examples
    --------
    >>> str(ScenariosNotSaved(["to-be"], "Turtle"))
    'This map has 1 scenario (“to-be”), which Turtle cannot hold. Save as TriG or N-Quads to keep it.'
    """

    def __init__(self, scenarios, format_label: str) -> None:
        self.scenarios = tuple(scenarios)
        self.format_label = format_label
        count = len(self.scenarios)
        names = ", ".join(f"“{one_line(name, 60)}”" for name in self.scenarios[:5])
        if count > 5:
            names += f" and {count - 5:,} more"
        noun, them = ("scenario", "it") if count == 1 else ("scenarios", "them")
        super().__init__(
            f"This map has {count:,} {noun} ({names}), which {format_label} cannot hold. "
            f"Save as TriG or N-Quads to keep {them}."
        )


class FileChangedError(SaveError):
    """The map's file changed on disk (or went away) since it was opened or last saved here.

    Saving would replace someone else's work, so nothing was written; the app asks
    whether to reload, save as another file, or overwrite.

    Attributes
    ----------
    path : Path
        The map's file.
    deleted : bool
        The file is gone (deleted or moved), rather than changed.
    """

    def __init__(self, path, *, deleted: bool = False) -> None:
        self.path = Path(path)
        self.deleted = deleted
        if deleted:
            message = (
                f"{self.path.name} was deleted or moved since it was opened or last saved here; nothing was written. "
                "Save as another file, or overwrite to write it again."
            )
        else:
            message = (
                f"{self.path.name} changed on disk since it was opened or last saved here (another program or "
                "copy wrote it); nothing was written. Reload it, save as another file, or overwrite it."
            )
        super().__init__(message)


class OperationCancelled(ExplorerError):
    """Long work (loading, saving, converting) was cancelled by the user."""


class QueryError(ExplorerError):
    """A SPARQL query could not be run (syntax error, or a value bound to a variable it does not select)."""
