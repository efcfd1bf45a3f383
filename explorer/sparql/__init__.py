"""The query service: SPARQL against the open map, with the map's prefixes, a safety policy and saved questions.

The names below are imported on first use (PEP 562), not with the package: the query engine's own process
(:mod:`explorer.sparql._engine_worker`, which a bundle starts as ``routine-explorer --sparql-engine``, importing
it through this package) needs only pyoxigraph, and loading rdflib and the service with it cost 0.5 s at every
engine start.

Examples
--------
>>> from explorer.sparql import QueryService
>>> QueryService.__module__
'explorer.sparql.service'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names as type checkers see them (the "as" re-exports them)
    from .checking import MAP_GRAPH as MAP_GRAPH
    from .errors import Cancelled as Cancelled
    from .errors import QueryOutOfMemory as QueryOutOfMemory
    from .errors import QueryRefused as QueryRefused
    from .errors import QuerySyntaxError as QuerySyntaxError
    from .errors import QueryTimeout as QueryTimeout
    from .library import SavedQuery as SavedQuery
    from .library import builtin_queries as builtin_queries
    from .library import delete_user_query as delete_user_query
    from .library import save_user_query as save_user_query
    from .library import user_queries as user_queries
    from .outcome import Outcome as Outcome
    from .outcome import format_table as format_table
    from .service import QueryService as QueryService

#: The module of this package each public name lives in.
_HOMES = {
    "MAP_GRAPH": "checking",
    "Cancelled": "errors",
    "QueryOutOfMemory": "errors",
    "QueryRefused": "errors",
    "QuerySyntaxError": "errors",
    "QueryTimeout": "errors",
    "SavedQuery": "library",
    "builtin_queries": "library",
    "delete_user_query": "library",
    "save_user_query": "library",
    "user_queries": "library",
    "Outcome": "outcome",
    "format_table": "outcome",
    "QueryService": "service",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value  # later lookups find it directly
    return value


__all__ = sorted(_HOMES)
