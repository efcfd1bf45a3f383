"""What every feature of the app stands on: text made safe for Qt widgets, and the settings store.

Feature modules import these from here, never from the main window, so no feature needs the window's
module and none has to import inside a function to dodge a cycle.
"""

from explorer.ui.common.settings import settings
from explorer.ui.common.text import menu_text, safe_text

__all__ = ["menu_text", "safe_text", "settings"]
