"""Every format in the registry: its function imports, follows the naming rule and takes the documented call."""

from __future__ import annotations

import inspect

import pytest

from explorer.io import registry

ENTRIES = list(registry.formats())


def _parameters(function):
    return inspect.signature(function).parameters


@pytest.mark.parametrize("fmt", ENTRIES, ids=[f"{f.kind}:{f.name}" for f in ENTRIES])
def test_entry_imports_and_has_the_documented_signature(fmt):
    function = fmt.load()
    assert callable(function), fmt.target
    module, _, name = fmt.target.partition(":")
    assert name.startswith(
        {"export": "write_", "import": "read_", "report": "generate_", "comparison": "write_comparison_"}[fmt.kind]
    ), fmt.target
    assert fmt.extensions and all(e and not e.startswith(".") for e in fmt.extensions), fmt
    assert fmt.needs_qt == module.startswith("explorer.ui."), "only explorer.ui draws with Qt"
    params = _parameters(function)
    positional = [p for p in params.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if fmt.kind == "export":
        # write_x(document, path, *, title=None, heat=None, progress=None, **format_options)
        assert [p.name for p in positional[:2]] == ["document", "path"], fmt.target
        assert all(p.default is not inspect.Parameter.empty for p in positional[2:]), fmt.target
        for keyword in ("title", "heat", "progress"):
            assert keyword in params and params[keyword].default is None, (fmt.target, keyword)
        assert any(p.kind is p.VAR_KEYWORD for p in params.values()), f"{fmt.target} takes no **format_options"
    elif fmt.kind == "import":
        # read_x(path, *, progress=None, ...) -> a source the merge step maps onto the map
        assert positional and positional[0].name == "path", fmt.target
        assert "progress" in params and params["progress"].default is None, fmt.target
    elif fmt.kind == "comparison":
        # write_comparison_x(comparison, path, *, title=None, progress=None, ...)
        assert [p.name for p in positional[:2]] == ["comparison", "path"], fmt.target
        for keyword in ("title", "progress"):
            assert keyword in params and params[keyword].default is None, (fmt.target, keyword)
    # Reports (generate_*) have no signature documented beyond the naming rule checked above.


def test_registry_names_the_formats_the_issue_asks_for():
    exports = {f.name for f in registry.formats("export")}
    assert {"html", "graphml", "gexf", "csv", "ttl", "trig", "nt", "nq", "jsonld", "rdfxml"} <= exports
    for ending, name in (
        ("map.html", "html"),
        ("m.GRAPHML", "graphml"),
        ("m.ttl.gz", "ttl"),
        ("m.rdf", "rdfxml"),
        ("m.csv", "csv"),
    ):
        assert registry.for_path(ending, "export").name == name


def test_qt_free_exports_do_not_pull_in_qt():
    import subprocess
    import sys

    code = (
        "import sys; from explorer.io import registry\n"
        "[f.load() for f in registry.formats() if not f.needs_qt]\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
