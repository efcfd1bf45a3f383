"""File menu features beyond open and save: export to every registered format, import, and the report."""
