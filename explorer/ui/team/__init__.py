"""Team maps in the app: share to a server, open from it, sync, the Team History panel and the conflict dialog.

The work is the core's (:mod:`explorer.team`); this package asks, shows and runs it off the UI thread.
"""

from explorer.ui.team.sharing import TeamFeature, install

__all__ = ["TeamFeature", "install"]
