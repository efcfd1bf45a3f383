"""The query service: SPARQL against the open map, with the map's prefixes, a safety policy and saved questions."""

from .checking import MAP_GRAPH
from .errors import Cancelled, QueryOutOfMemory, QueryRefused, QuerySyntaxError, QueryTimeout
from .library import SavedQuery, builtin_queries, delete_user_query, save_user_query, user_queries
from .outcome import Outcome, format_table
from .service import QueryService

__all__ = [
    "MAP_GRAPH",
    "Cancelled",
    "Outcome",
    "QueryOutOfMemory",
    "QueryRefused",
    "QueryService",
    "QuerySyntaxError",
    "QueryTimeout",
    "SavedQuery",
    "builtin_queries",
    "delete_user_query",
    "format_table",
    "save_user_query",
    "user_queries",
]
