"""What this copy of the app is made of: its version, the ontology's and the libraries' it runs on.

One home for these facts, shown by Help > About, printed by ``routine-explorer --self-test``,
named in the report's method note, and written into the bundle's bill of materials. The
libraries are the ones ``pyproject.toml`` declares (read from the installed package's
metadata, so the list cannot drift from the dependencies), each with the version actually
loaded.

Examples
--------
>>> versions = library_versions()
>>> "rdflib" in versions and "pyoxigraph" in versions
True
>>> ontology_version().split()[0]
'0.1.0'
"""

from __future__ import annotations

import platform
import re
from functools import cache
from importlib import metadata

from explorer import __version__

from .resources import ontology_dir

#: The package's name on PyPI (and in an installed copy's metadata).
DISTRIBUTION = "routine-explorer"
#: The libraries :func:`software_line` names, as the metadata spells them, and how to show them.
_MAIN = {"pyside6-essentials": "PySide6", "rdflib": "rdflib", "pyoxigraph": "pyoxigraph", "networkx": "networkx"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


@cache
def declared_libraries() -> tuple[str, ...]:
    """The libraries the app depends on (``pyproject.toml``'s, extras left out), named as the metadata spells them."""
    try:
        required = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return ()  # a copy run from a bare source folder, not installed: nothing says what it depends on
    names: list[str] = []
    for requirement in required:
        if "extra ==" in requirement:
            continue
        found = _NAME.match(requirement)
        name = found.group().lower() if found else None
        if name and name not in names:
            names.append(name)
    return tuple(names)


def library_versions() -> dict[str, str]:
    """``{library: version}`` of each declared library as installed here ("not installed" when absent)."""
    versions = {}
    for name in declared_libraries():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@cache
def ontology_version() -> str:
    """The shipped ontology's ``owl:versionInfo`` and version IRI, read from ``ontology/routine-explorer.ttl``."""
    import pyoxigraph as ox

    path = ontology_dir() / "routine-explorer.ttl"
    owl = "http://www.w3.org/2002/07/owl#"
    info = iri = None
    try:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if triple.predicate.value == owl + "versionInfo":
                info = triple.object.value
            elif triple.predicate.value == owl + "versionIRI":
                iri = triple.object.value
    except (OSError, SyntaxError) as err:
        return f"unreadable ({err})"
    if info is None:
        return "not recorded"
    return f"{info} ({iri})" if iri else info


def software_line() -> str:
    """One line naming the app, Python and the main libraries: the report's method note prints it.

    Examples
    --------
    >>> software_line().startswith("Routine Explorer ")
    True
    """
    versions = library_versions()
    libraries = ", ".join(f"{shown} {versions[name]}" for name, shown in _MAIN.items() if name in versions)
    return f"Routine Explorer {__version__} (Python {platform.python_version()}; {libraries})"


def about_text() -> str:
    """The versions as plain lines: the app, the ontology, Python and every declared library."""
    lines = [
        f"Routine Explorer {__version__}",
        f"Ontology {ontology_version()}",
        f"Python {platform.python_version()} ({platform.python_implementation()}, {platform.system()})",
    ]
    versions = library_versions()
    lines += [f"{name} {version}" for name, version in versions.items()]
    if not versions:
        lines.append(f"(the libraries' versions are unknown: {DISTRIBUTION} is not installed as a package)")
    return "\n".join(lines)


__all__ = [
    "DISTRIBUTION",
    "about_text",
    "declared_libraries",
    "library_versions",
    "ontology_version",
    "software_line",
]
