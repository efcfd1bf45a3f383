"""Saved questions: the ontology's ready-made queries and the user's own.

A saved question is a ``.rq`` file whose leading comment block carries a title
and a description::

    # title: Who bridges two or more units?
    # description: People and roles who are members of more than one unit.
    #   Continuation lines are indented.
    SELECT ...

The built-in ones live in ``ontology/queries/``; the user's own in the
``queries`` folder of the app's data folder (``ROUTINE_EXPLORER_DATA_DIR`` when
set), written atomically.

Examples
--------
>>> import os, tempfile
>>> os.environ["ROUTINE_EXPLORER_DATA_DIR"] = tempfile.mkdtemp()
>>> [q.name for q in builtin_queries()][:2]
['01-who-performs-disrupted-routines', '02-violated-norms-by-pillar']
>>> mine = save_user_query("Units by size", "SELECT ?u WHERE { ?u a rx:Unit }", "Largest first.")
>>> [(q.title, q.description, q.builtin) for q in user_queries()]
[('Units by size', 'Largest first.', False)]
>>> delete_user_query(mine); user_queries()
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from explorer.core.atomic_file import atomic_write
from explorer.core.errors import ExplorerError
from explorer.core.journal import state_dir
from explorer.core.resources import ontology_dir

_FIELD = re.compile(r"#\s*(title|description)\s*:\s?(.*)", re.I)
_MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class SavedQuery:
    """One saved question.

    Attributes
    ----------
    name : str
        The file stem, e.g. ``"01-who-performs-disrupted-routines"``.
    title : str
        From the ``# title:`` line, else from the name.
    description : str
        The rest of the leading comment block.
    text : str
        The whole file.
    path : Path
    builtin : bool
        True for the ontology's questions, False for the user's own.
    """

    name: str
    title: str
    description: str
    text: str
    path: Path
    builtin: bool


def parse_header(text: str) -> tuple[str, str]:
    """The title and description of a query's leading comment block (empty strings when absent).

    Examples
    --------
    >>> parse_header("# title: Who?\\n# description: People\\n#   and roles.\\nSELECT * {}")
    ('Who?', 'People and roles.')
    >>> parse_header("# Units without peers\\n# listed by name\\nSELECT * {}")
    ('', 'Units without peers listed by name')
    """
    title, description, current = "", [], None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if current is not None:
                current = None
            continue
        if not stripped.startswith("#"):
            break
        field = _FIELD.fullmatch(stripped)
        if field:
            current = field.group(1).lower()
            if current == "title":
                title = field.group(2).strip()
            else:
                description.append(field.group(2).strip())
            continue
        words = stripped.lstrip("#").strip()
        if current == "title" and stripped.lstrip("#").startswith("  "):
            title = f"{title} {words}".strip()
        elif words:
            description.append(words)
            current = "description"
    return title, " ".join(w for w in description if w)


def _title_from_name(name: str) -> str:
    words = re.sub(r"^\d+[-_ ]*", "", name).replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) if words else name


def _read(path: Path, builtin: bool) -> SavedQuery | None:
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    title, description = parse_header(text)
    return SavedQuery(path.stem, title or _title_from_name(path.stem), description, text, path, builtin)


def _read_folder(folder: Path, builtin: bool) -> list[SavedQuery]:
    if not folder.is_dir():
        return []
    found = (_read(path, builtin) for path in sorted(folder.glob("*.rq")))
    return [q for q in found if q is not None]


def builtin_queries() -> list[SavedQuery]:
    """The saved questions that come with the ontology (``ontology/queries/*.rq``), by file name."""
    return _read_folder(ontology_dir() / "queries", True)


def user_queries_dir() -> Path:
    """The folder of the user's own saved queries (not created until one is saved)."""
    return state_dir().parent / "queries"


def user_queries() -> list[SavedQuery]:
    """The user's own saved queries, by file name."""
    return _read_folder(user_queries_dir(), False)


def _slug(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    return slug or "query"


def _strip_header(text: str) -> str:
    """The query without a leading ``# title:``/``# description:`` block (it is written anew)."""
    lines = text.splitlines()
    if not lines or not _FIELD.fullmatch(lines[0].strip()):
        return text
    index = 0
    while index < len(lines) and lines[index].strip().startswith("#"):
        index += 1
    return "\n".join(lines[index:]).lstrip("\n")


def _file_for(folder: Path, title: str) -> Path:
    """The file of the query titled ``title``: its own if saved before, else a free one.

    Titles that differ only in punctuation, or are written in another script,
    share a slug (``"Units?"`` and ``"Units!"``; every Cyrillic title is
    ``query``), so a taken name gets a number rather than being overwritten.
    """
    slug = _slug(title)
    path, number = folder / f"{slug}.rq", 1
    while path.exists():
        existing = _read(path, False)
        if existing is not None and existing.title == title:
            return path
        number += 1
        path = folder / f"{slug}-{number}.rq"
    return path


def save_user_query(title: str, text: str, description: str = "") -> SavedQuery:
    """Save a query under ``title`` in the user's folder (replacing one of the same title), atomically.

    Raises
    ------
    ExplorerError
        The title or the query is empty, or the file cannot be written.
    """
    title = " ".join(str(title).split())
    if not title:
        raise ExplorerError("Give the query a title before saving it.")
    body = _strip_header(str(text)).strip("\n")
    if not body.strip():
        raise ExplorerError("The query is empty: there is nothing to save.")
    header = [f"# title: {title}"]
    words = " ".join(str(description).split())
    if words:
        header.append(f"# description: {words}")
    folder = user_queries_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = _file_for(folder, title)
    atomic_write(path, ("\n".join(header) + "\n" + body + "\n").encode("utf-8"))
    saved = _read(path, False)
    assert saved is not None
    return saved


def find_saved(name: str) -> SavedQuery | None:
    """The saved question called ``name``: its file name, or a prefix of it shared by no other (``"04"``).

    The user's own queries are searched after the built-in ones.

    Examples
    --------
    >>> find_saved("04").name
    '04-people-bridging-units'
    >>> find_saved("no-such-question") is None
    True
    """
    name = name.strip()
    if not name:
        return None
    everything = builtin_queries() + user_queries()
    exact = [q for q in everything if q.name == name or q.path.name == name]
    if exact:
        return exact[0]
    starting = [q for q in everything if q.name.startswith(name)]
    return starting[0] if len(starting) == 1 else None


def delete_user_query(query: SavedQuery) -> None:
    """Delete one of the user's own saved queries (built-in ones cannot be deleted).

    Raises
    ------
    ExplorerError
        ``query`` is built in or not in the user's folder.
    """
    folder = user_queries_dir().resolve()
    path = Path(query.path)
    if query.builtin or path.resolve().parent != folder:
        raise ExplorerError(f"{query.title!r} comes with the app and cannot be deleted.")
    try:
        path.unlink(missing_ok=True)
    except OSError as err:
        raise ExplorerError(f"Could not delete {path}: {err.strerror or err}.") from None


__all__ = [
    "SavedQuery",
    "builtin_queries",
    "delete_user_query",
    "find_saved",
    "parse_header",
    "save_user_query",
    "user_queries",
    "user_queries_dir",
]
