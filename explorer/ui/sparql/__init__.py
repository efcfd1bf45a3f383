"""The SPARQL console: editor and highlighter, results table and graph, saved questions, run safely off the UI."""
