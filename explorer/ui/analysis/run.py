"""An analysis run: the analysis in a child process (:class:`~explorer.ui.common.process_run.ProcessRun`), its
progress polled from the UI thread, cancellable."""

from __future__ import annotations

from explorer.ui.common.process_run import ProcessRun


def _target(name: str = "analyse_in_process"):
    # Imported when a run starts: the analysis pulls in networkx, which app start-up does not need.
    from explorer.analysis import run

    return getattr(run, name)


class AnalysisRun(ProcessRun):
    """One analysis running in a separate process; ``wait()`` spins the event loop until it ends.

    After the end exactly one of ``result`` (a ChangeAnalysis), ``error`` (a
    message) or ``cancelled`` is set.
    """

    def __init__(self, data: bytes, change, options: dict, parent=None, *, target: str = "analyse_in_process") -> None:
        options = dict(options)
        super().__init__(
            _target(target),
            data,
            (change, options),
            parent,
            name="routine-explorer-analysis",
            suffix=".nt",
            what="analysis",
        )
        self.change = change
        self.options = options

    @property
    def run_graph(self):
        """The run as RDF (explorer.analysis.rdf.RunGraph), sent with the result; None without one."""
        return self.extras[0] if self.extras else None


__all__ = ["AnalysisRun"]
