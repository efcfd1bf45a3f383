"""Helpers shared by more than one test module.

Test modules import these (``from support.paths import KEYSTONE``); the ``conftest.py`` files
hold fixtures only, and a helper only one module uses stays in that module. pytest puts ``tests/``
on ``sys.path`` when it imports ``tests/conftest.py`` (no ``__init__.py``, the default "prepend"
import mode), so ``support`` imports as a top-level package.

- ``paths``: the repository, the sample maps, the ontology.
- ``processes``: the command line (:func:`~support.processes.run_explorer`, with its peak memory),
  waiting for a child's line, whether a process is gone and the CPU it used.
- ``waiting``: :func:`~support.waiting.wait_until` a condition holds; :func:`~support.waiting.no_hang`,
  a generous guard against a hang (tests assert no timings: those are in ``tests/benchmarks``).
- ``ui``: recorded message boxes, opening a map in a window and waiting until it is drawn.
- ``network``: a loopback listener that counts connections.
- ``maps``, ``disk``, ``ontology``: a map's quads; a disk that fills up; the ontology's graphs.
"""
