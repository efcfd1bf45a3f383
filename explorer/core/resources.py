"""Where the files shipped with the app live: the ontology and the sample maps.

In a source checkout (or an editable install) they are the top-level
``ontology/`` and ``sample_graphs/`` folders; a built wheel carries them inside
the package as ``explorer/_data/`` (see ``pyproject.toml``).

Examples
--------
>>> (ontology_dir() / "queries").parent == ontology_dir()
True
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def _data_root() -> Path:
    bundled = _PACKAGE / "_data"
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent


def ontology_dir() -> Path:
    """The folder holding the ontology, SKOS schemes, shapes and saved queries."""
    return _data_root() / "ontology"


def sample_graphs_dir() -> Path:
    """The folder holding the sample maps."""
    return _data_root() / "sample_graphs"


def docs_dir() -> Path:
    """The folder holding the generated ontology reference (``docs/``)."""
    return _data_root() / "docs"


def sample_maps() -> list[Path]:
    """The sample maps, sorted by file name."""
    folder = sample_graphs_dir()
    return sorted(folder.glob("*.ttl")) if folder.is_dir() else []


def is_sample(path: str | Path) -> bool:
    """Whether ``path`` is one of the sample maps that come with the app (an edited sample is saved as a copy).

    Examples
    --------
    >>> is_sample(sample_maps()[0]) if sample_maps() else True
    True
    >>> is_sample("my-ward.ttl")
    False
    """
    try:
        return Path(path).resolve().parent == sample_graphs_dir().resolve()
    except OSError:
        return False


def ontology_files() -> list[Path]:
    """The Turtle files that make up the read-only ontology graph (``ontology/*.ttl``)."""
    folder = ontology_dir()
    return sorted(folder.glob("*.ttl")) if folder.is_dir() else []
