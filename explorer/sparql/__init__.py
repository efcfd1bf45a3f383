"""The query service: SPARQL against the open map, with the map's prefixes, a safety policy and saved questions."""
