"""The Qt-free core: the store, map documents, formats, undoable commands and events."""
