"""What can go wrong with a query, each error worded for the person who wrote it.

Examples
--------
>>> err = QuerySyntaxError("expected a variable", line=3, column=7)
>>> str(err), err.line, err.column
('SPARQL syntax error at line 3, column 7: expected a variable', 3, 7)
"""

from __future__ import annotations

from explorer.core.errors import ExplorerError, OperationCancelled, QueryError


class QueryRefused(ExplorerError):
    """The query would reach outside the map (SERVICE, LOAD, FROM another graph) while network access is off,
    or an update would change the read-only ontology; the message says why and how to allow it."""


class QuerySyntaxError(QueryError):
    """The query text does not parse; ``line`` and ``column`` (1-based) locate the parser's complaint.

    Parameters
    ----------
    reason : str
        What the parser expected or found.
    line, column : int
        Where, in the query text as the user wrote it.
    """

    def __init__(self, reason: str, *, line: int, column: int) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        super().__init__(f"SPARQL syntax error at line {line}, column {column}: {reason}")


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class QueryOutOfMemory(QueryError):
    """The query (or reading it) needed more memory than the query engine's cap, and was stopped."""


class Cancelled(OperationCancelled):
    """The query was cancelled; the engine running it was stopped and no core is left busy."""


__all__ = ["Cancelled", "QueryOutOfMemory", "QueryRefused", "QuerySyntaxError", "QueryTimeout"]
