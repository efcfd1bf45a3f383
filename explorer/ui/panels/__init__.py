"""The side panels and bars around the canvas: palette, outline, history, start screen, filter, named-graph bar."""
