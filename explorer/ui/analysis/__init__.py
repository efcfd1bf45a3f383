"""The analysis panel: choose a change, run the analysis in a child process, read the points, levers and ties."""
