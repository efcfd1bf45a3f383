"""Formats in and out of a map: exports for reports and other tools, imports, the report.

Every format is an entry in :mod:`explorer.io.registry`, keyed by name and kind
and imported only when used, so the CLI and the app start without loading
matplotlib, openpyxl or Qt's SVG module.
"""
