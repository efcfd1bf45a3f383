"""The inspector: the form for the selected node or tie, generated from the ontology (form, fields, widgets)."""
