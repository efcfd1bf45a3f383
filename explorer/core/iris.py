"""Readable IRIs for a map's nodes: minted from the map's base and the label, shown short.

A new node gets ``{base}{kind}/{label}`` (``…/unit/ward-7``), with ``-2``, ``-3``, …
when that is taken. The label part is a slug: lower-case ASCII letters, digits and
hyphens only (other scripts are transliterated by anyascii, emoji become their
names, punctuation is dropped), so an IRI is valid whatever the label holds. An IRI is minted once and never follows
a rename: it identifies the node, the label names it.

A map without a base of its own gets one from its title (:func:`base_for_title`).
Where an IRI must be shown, :func:`compact` gives the short ``prefix:local`` form.

Examples
--------
>>> minter = Minter()
>>> base = "https://example.org/ward-map/"
>>> kind = "https://w3id.org/routine-explorer/ns#ChangeProposal"
>>> str(minter.mint(base, kind, "Ward 7 (north)")), str(minter.mint(base, kind, "Ward 7 (north)"))
('https://example.org/ward-map/change-proposal/ward-7-north', 'https://example.org/ward-map/change-proposal/ward-7-north-2')
>>> compact("https://example.org/ward-map/unit/ward-7", {"map": base})
'map:unit/ward-7'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

from anyascii import anyascii
from rdflib import URIRef

from .terms import local_name

#: Where maps that name no base of their own mint their nodes (one folder per map).
MAP_ROOT = "https://w3id.org/routine-explorer/map/"

#: The longest label part of a minted IRI; longer labels are cut at a word.
SLUG_LIMIT = 48

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Apostrophes (and anyascii's ` for the Arabic ayin) join a word rather than split it: "nurses-station".
_QUOTES = re.compile(r"['`]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    """``text`` transliterated to ASCII, one word per syllable of a caseless syllabic script (CJK, Hangul).

    anyascii writes such a syllable capitalised and unspaced ("病房" as ``BingFang``), so each one is
    spaced here to keep the syllables apart once the slug is lower-cased.
    """
    parts = []
    for ch in text:
        out = anyascii(ch)
        if out[:1].isupper() and unicodedata.category(ch) == "Lo":
            out = f" {out} "
        parts.append(out)
    return "".join(parts)


def slug(text, limit: int = SLUG_LIMIT) -> str:
    """``text`` as an IRI segment: lower-case ASCII letters, digits and single hyphens ("" if none are left).

    The steps: transliterate to ASCII (anyascii), lower-case, drop apostrophes, turn every run of
    anything but ``a-z0-9`` into one hyphen, strip hyphens at the ends, and cut to ``limit`` at the
    last whole word that fits (inside a word only when the first word alone is too long).
    The caller supplies a fallback for "" (a label of only punctuation).

    Examples
    --------
    >>> slug("Ward 7 (north)"), slug("../../etc"), slug("Ärztekammer Köln"), slug("Nurse's station")
    ('ward-7-north', 'etc', 'arztekammer-koln', 'nurses-station')
    >>> slug("病房七"), slug("Больница №1"), slug("🚑"), slug("?!")
    ('bing-fang-qi', 'bolnitsa-no1', 'ambulance', '')
    >>> slug("discharge huddle", 12), slug("x" * 60, 5)
    ('discharge', 'xxxxx')
    """
    text = _NOT_SLUG.sub("-", _QUOTES.sub("", _ascii(str(text)).lower())).strip("-")
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rfind("-")
    return text[:cut] if cut > 0 else text[:limit]


def kind_segment(kind) -> str:
    """The folder of a kind's nodes: its IRI's last part in words (``…#ChangeProposal`` as ``change-proposal``).

    Examples
    --------
    >>> kind_segment("https://w3id.org/routine-explorer/ns#ChangeProposal")
    'change-proposal'
    """
    return slug(_CAMEL.sub(" ", local_name(kind)), 40) or "node"


def base_for_title(title: str, seed: str) -> str:
    """A base for a map that names none: :data:`MAP_ROOT`, the title's slug and a short hash of ``seed``.

    ``seed`` tells apart maps with the same title (a new map's random id, an opened map's own IRI).

    Examples
    --------
    >>> base_for_title("Ward 7 discharge", "x")
    'https://w3id.org/routine-explorer/map/ward-7-discharge-2d711642/'
    """
    digest = hashlib.sha256(seed.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{MAP_ROOT}{slug(title, 40) or 'map'}-{digest}/"


class Minter:
    """Hands out IRIs under a base, never the same one twice.

    It remembers what it minted, so IRIs minted before their quads reach the
    store (a paste, an import) are unique too, and where each name's numbering
    stands, so a thousand nodes of one name cost no more than a thousand lookups.
    """

    def __init__(self) -> None:
        self._minted: set[str] = set()
        self._next: dict[str, int] = {}

    def mint(self, base: str, kind, label: str | None = None, taken: Callable[[URIRef], bool] | None = None) -> URIRef:
        """A new IRI ``{base}{kind}/{label}`` (``-2``, ``-3``, … when taken); ``taken(iri)`` asks the map.

        Examples
        --------
        >>> minter = Minter()
        >>> str(minter.mint("http://e/", "http://e/ns#Unit", "", taken=lambda iri: iri.endswith("unit/unit")))
        'http://e/unit/unit-2'
        """
        folder = kind_segment(kind)
        stem = f"{base}{folder}/{slug(label or '') or folder}"
        number = self._next.get(stem, 1)
        while True:
            text = stem if number == 1 else f"{stem}-{number}"
            number += 1
            iri = URIRef(text)
            if text not in self._minted and not (taken is not None and taken(iri)):
                self._next[stem] = number
                self._minted.add(text)
                return iri


def compact(iri, prefixes: dict[str, str]) -> str:
    """``iri`` as ``prefix:local`` under the longest namespace in ``prefixes`` that covers it, else ``<iri>``.

    The local part may hold ``/`` (``map:unit/ward-7``): this is for reading, not for Turtle.

    Examples
    --------
    >>> compact("https://w3id.org/routine-explorer/ns#Unit", {"rx": "https://w3id.org/routine-explorer/ns#"})
    'rx:Unit'
    >>> compact("http://e/a b", {"e": "http://e/"})
    '<http://e/a b>'
    """
    text = str(iri)
    best = None
    for prefix, namespace in prefixes.items():
        namespace = str(namespace)
        if namespace and text.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            local = text[len(namespace) :]
            if local and all(ch.isalnum() or ch in "-_./" for ch in local):
                best = (prefix, namespace)
    if best is None:
        return f"<{text}>"
    return f"{best[0]}:{text[len(best[1]) :]}"


def is_opaque(iri) -> bool:
    """Whether ``iri`` says nothing to a reader (``urn:uuid:…``): show the label instead, never the IRI.

    >>> is_opaque("urn:uuid:6f1c0b6e-0000-4000-8000-000000000000"), is_opaque("https://e/unit/ward-7")
    (True, False)
    """
    return str(iri).lower().startswith("urn:uuid:")


__all__ = ["MAP_ROOT", "Minter", "base_for_title", "compact", "is_opaque", "kind_segment", "slug"]
