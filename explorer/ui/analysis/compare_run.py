"""A comparison run: two maps compared in a child process (:class:`~explorer.ui.common.process_run.ProcessRun`).

The child reads each side from an N-Triples file: side A's is the run's own private file, side B's sits
in a temporary folder of the run (none when both sides start from the same map), removed when the run
ends (or, at the latest, when the app exits). A side may come with a patch, ``(added, removed)``
statements the child applies to its map (a scenario's differences), so the app only dumps the open map
once and the child builds the sides.

Examples
--------
>>> CompareRun.__name__
'CompareRun'
"""

from __future__ import annotations

import contextlib
import pickle
import tempfile
from pathlib import Path

from explorer.ui.common.process_run import ProcessRun


def _target():
    # Imported when a run starts: the comparison pulls in networkx, which app start-up does not need.
    from explorer.analysis.run import compare_in_process

    return compare_in_process


class CompareRun(ProcessRun):
    """Compare two maps given as N-Triples in a separate process; ``result`` is the Comparison.

    Parameters
    ----------
    data_a, data_b : bytes
        The two sides' map graphs as N-Triples (``data_b`` may be the same object as ``data_a``: written once).
    options : dict
        ``change_a``, ``change_b`` and the keywords of :func:`explorer.analysis.compare.compare`.
    patches : tuple, optional
        ``(patch_a, patch_b)``, each ``(added, removed)`` statements or empty: applied to that side's map in the
        child (:func:`explorer.analysis.run.side_patch`).
    """

    def __init__(self, data_a: bytes, data_b: bytes, options: dict, parent=None, *, patches=((), ())) -> None:
        folder = tempfile.TemporaryDirectory(prefix="routine-explorer-compare-")
        options = dict(options)
        path_b = ""
        try:
            if data_b is not data_a:
                path_b = str(Path(folder.name) / "side-b.nt")
                Path(path_b).write_bytes(data_b)
            if any(any(patch) for patch in patches):
                # Through a file, not the process arguments: a big scenario's patch would block the pipe.
                path = Path(folder.name) / "patches.pickle"
                path.write_bytes(pickle.dumps(tuple(patches), protocol=pickle.HIGHEST_PROTOCOL))
                options["patches"] = str(path)
        except BaseException:
            folder.cleanup()
            raise
        super().__init__(
            _target(),
            data_a,
            (path_b, options),
            parent,
            name="routine-explorer-compare",
            suffix=".nt",
            what="comparison",
        )
        self.folder = folder
        self.options = options
        self.ended.connect(self._remove_folder)

    def _remove_folder(self) -> None:
        with contextlib.suppress(OSError):
            self.folder.cleanup()


__all__ = ["CompareRun"]
