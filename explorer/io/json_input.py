"""JSON (and TOML) read for import with stated limits: nesting depth and the length of a number.

Python's parsers have two limits of their own that surface as surprises: a
document nested about a thousand levels deep raises ``RecursionError`` (from
no particular place), and an integer of more than 4,300 digits raises
``ValueError`` (the interpreter's ``int_max_str_digits``, which guards against
quadratic conversion). Here both become a :class:`~explorer.core.errors.FormatError`
naming the file, line and column, and nesting is checked against
:data:`MAX_NESTING`, well below where any parser gives up, before the parser
sees the text.

Examples
--------
>>> load_json('{"a": [1, 2]}', name="ok.json")
{'a': [1, 2]}
>>> load_json('{"a":\\n' + "[" * 100 + "]" * 100 + "}", name="deep.json")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
explorer.core.errors.FormatError: deep.json, line 2, column 64: The JSON is nested more than 64 levels deep;
an import file needs a few.
>>> load_json('{"n": ' + "9" * 5000 + "}", name="big.json")  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
explorer.core.errors.FormatError: big.json, line 1, column 7: A number has 5,000 digits;
numbers of more than 4,300 digits are refused.
"""

from __future__ import annotations

import json
import re
import sys

from ..core.errors import FormatError

#: Deepest nesting of arrays and objects (tables, for TOML) read. A Kumu blueprint needs four levels and a
#: mapping file two; Python's parsers fail near a thousand (``RecursionError``), naming no place.
MAX_NESTING = 64
#: Longest integer read, in digits: the interpreter's own limit on converting text to int (4,300 unless
#: changed with ``sys.set_int_max_str_digits``), past which the conversion is refused as too slow.
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300

# Strings are skipped whole (brackets inside them do not nest); the rest is searched for brackets, and in TOML
# for the dots of dotted keys ("a.b.c = 1" nests three tables), reset by what ends a key. An unterminated string
# runs to where it stops, so no string is scanned twice (a scan restarting at each quote is quadratic).
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_TOML_TOKENS = re.compile(
    r'#[^\n]*|"""(?:[^\\]|\\.)*?(?:"""|\Z)|\'\'\'.*?(?:\'\'\'|\Z)|"[^"\\\n]*(?:\\.[^"\\\n]*)*"?'
    r"|\'[^\'\n]*\'?|[\[\]{}.=,\n]",
    re.DOTALL,
)
#: JSON's whitespace, matched from an index (``WHITESPACE.match(text, i).end()`` is past it).
WHITESPACE = re.compile(r"[ \t\n\r]*")


class NumberTooLong(ValueError):
    """An integer with more digits than :data:`MAX_INT_DIGITS`; ``digits`` is its text."""

    def __init__(self, digits: str) -> None:
        super().__init__(f"{len(digits.lstrip('-')):,} digits")
        self.digits = digits


def parse_int(text: str) -> int:
    """``int(text)`` for JSON's ``parse_int``, raising :class:`NumberTooLong` past :data:`MAX_INT_DIGITS`."""
    if len(text) > MAX_INT_DIGITS and len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise NumberTooLong(text)
    return int(text)


#: A decoder whose integers are checked by :func:`parse_int`.
DECODER = json.JSONDecoder(parse_int=parse_int)


def position(text: str, index: int) -> tuple[int, int]:
    """Line and column (both from 1) of ``text[index]``, as :mod:`json` counts them."""
    line = text.count("\n", 0, index) + 1
    return line, index - text.rfind("\n", 0, index)


def too_deep_at(
    text: str, start: int = 0, *, depth: int = 0, limit: int = MAX_NESTING, syntax: str = "json", one_value: bool = True
) -> int | None:
    """Where nesting first goes deeper than ``limit``, scanning ``text`` from ``start`` at ``depth``; None if it
    never does.

    Strings (and TOML comments) are skipped, so a bracket inside one does not count.
    The scan stops at the first bracket too deep, or (with ``one_value``) where
    the value begun at ``start`` closes.

    Examples
    --------
    >>> too_deep_at('{"a": "[[[[", "b": [[[1]]]}', limit=3)
    21
    >>> too_deep_at('[[1]] [[[[[', limit=3) is None
    True
    """
    tokens = _TOML_TOKENS if syntax == "toml" else _JSON_TOKENS
    begun = depth
    dots = 0
    for match in tokens.finditer(text, start):
        token = match.group()
        if token == ".":
            dots += 1
            if depth + dots > limit:
                return match.start()
            continue
        dots = 0
        if token == "[" or token == "{":
            depth += 1
            if depth > limit:
                return match.start()
        elif token == "]" or token == "}":
            depth -= 1
            if depth <= begun and one_value:
                return None
    return None


def nesting_error(
    text: str, index: int | None, *, name: str, limit: int = MAX_NESTING, what: str = "JSON"
) -> FormatError:
    """The error for nesting past ``limit`` at ``index`` (None when the place is not known)."""
    line, column = position(text, index) if index is not None else (None, None)
    return FormatError(
        f"The {what} is nested more than {limit} levels deep; an import file needs a few.",
        path=name,
        line=line,
        column=column,
    )


def number_error(text: str, error: NumberTooLong, *, name: str, start: int = 0) -> FormatError:
    """The error for a number past :data:`MAX_INT_DIGITS` found at or after ``start``."""
    index = text.find(error.digits, start)
    line, column = position(text, index) if index >= 0 else (None, None)
    count = len(error.digits.lstrip("-"))
    return FormatError(
        f"A number has {count:,} digits; numbers of more than {MAX_INT_DIGITS:,} digits are refused.",
        path=name,
        line=line,
        column=column,
    )


def depth_of(value, *, stop: int = MAX_NESTING + 1) -> int:
    """How deep ``value`` (decoded JSON) nests, counting itself; counting stops at ``stop``.

    Examples
    --------
    >>> depth_of(1), depth_of([]), depth_of({"a": [1, {"b": []}]})
    (0, 1, 4)
    """
    if not isinstance(value, (list, dict)):
        return 0
    deepest = 1
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        deepest = max(deepest, level)
        if deepest >= stop:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, level + 1) for child in children if isinstance(child, (list, dict)))
    return deepest


def decode_at(text: str, index: int, *, name: str, depth: int = 0, check_depth: bool = True):
    """Decode the JSON value starting at ``text[index]`` (no whitespace before it) nested ``depth`` levels deep.

    Returns ``(value, end)``. Syntax errors, numbers past :data:`MAX_INT_DIGITS`
    and nesting past :data:`MAX_NESTING` (counted from the document's root)
    raise :class:`FormatError` with line and column. With ``check_depth`` false
    only nesting deep enough to stop the parser is; the caller checks the rest.
    """
    try:
        value, end = DECODER.raw_decode(text, index)
    except json.JSONDecodeError as err:
        raise FormatError(f"Not valid JSON: {err.msg}.", path=name, line=err.lineno, column=err.colno) from None
    except NumberTooLong as err:
        raise number_error(text, err, name=name, start=index) from None
    except RecursionError:
        raise nesting_error(text, too_deep_at(text, index, depth=depth), name=name) from None
    if check_depth and depth + depth_of(value, stop=MAX_NESTING - depth + 1) > MAX_NESTING:
        raise nesting_error(text, too_deep_at(text, index, depth=depth), name=name)
    return value, end


def skip_whitespace(text: str, index: int) -> int:
    """The index of the first character at or after ``index`` that is not JSON whitespace."""
    return WHITESPACE.match(text, index).end()


def load_json(text: str, *, name: str):
    """Parse a whole JSON document, nesting checked before parsing; errors as :class:`FormatError` with line and column.

    For small documents (a mapping file): the depth check reads every bracket in Python.
    """
    start = skip_whitespace(text, 0)
    index = too_deep_at(text, start)
    if index is not None:
        raise nesting_error(text, index, name=name)
    value, end = decode_at(text, start, name=name)
    end = skip_whitespace(text, end)
    if end != len(text):
        line, column = position(text, end)
        raise FormatError("Not valid JSON: Extra data.", path=name, line=line, column=column)
    return value


def load_toml(text: str, *, name: str) -> dict:
    """Parse a TOML document, nesting checked before parsing; errors as :class:`FormatError`.

    Examples
    --------
    >>> load_toml('[columns]\\nname = "Full name"\\n', name="m.toml")
    {'columns': {'name': 'Full name'}}
    >>> load_toml("x = " + "[" * 80 + "]" * 80, name="deep.toml")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    explorer.core.errors.FormatError: deep.toml, line 1, column 69: The TOML is nested more than 64 levels deep;
    an import file needs a few.
    """
    import tomllib

    index = too_deep_at(text, syntax="toml", one_value=False)
    if index is not None:
        raise nesting_error(text, index, name=name, what="TOML")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise FormatError(f"not valid TOML: {err}.", path=name) from None
    except RecursionError:
        # Nesting the scan did not see (dotted keys, say): still a refusal, not a crash.
        raise nesting_error(text, None, name=name, what="TOML") from None
    except ValueError as err:
        # tomllib converts integers with int(), which refuses more than MAX_INT_DIGITS digits.
        # Tried only where a run of digits starts, so each run is read once.
        found = re.search(rf"(?<![0-9_])[0-9_]{{{MAX_INT_DIGITS + 1},}}", text)
        if found is None:
            raise FormatError(f"not valid TOML: {err}.", path=name) from None
        line, column = position(text, found.start())
        digits = sum(c.isdigit() for c in found.group())
        raise FormatError(
            f"A number has {digits:,} digits; numbers of more than {MAX_INT_DIGITS:,} digits are refused.",
            path=name,
            line=line,
            column=column,
        ) from None


__all__ = [
    "DECODER",
    "MAX_INT_DIGITS",
    "MAX_NESTING",
    "NumberTooLong",
    "decode_at",
    "depth_of",
    "load_json",
    "load_toml",
    "nesting_error",
    "number_error",
    "parse_int",
    "position",
    "skip_whitespace",
    "too_deep_at",
]
