"""Help: the user guide, read in the app from ``docs/guide/``, and the way back to the first-run tour."""
