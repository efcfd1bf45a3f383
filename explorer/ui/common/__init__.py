"""What every feature of the app stands on: safe text, settings, the theme, node shapes, background tasks,
and the contract between the window and its features (:mod:`.host`).

Feature modules import these from here, never from the main window, so no feature needs the window's
module and none has to import inside a function to dodge a cycle.
"""

from explorer.ui.common.settings import settings
from explorer.ui.common.text import menu_text, safe_text

#: The file dialogs' filter for a map to open (File > Open, Compare with another map).
MAP_FILTER = "RDF maps (*.ttl *.trig *.nt *.nq *.jsonld *.json *.rdf *.owl *.xml *.gz);;All files (*)"

__all__ = ["MAP_FILTER", "menu_text", "safe_text", "settings"]
