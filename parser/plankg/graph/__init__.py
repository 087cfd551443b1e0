"""Stage 4, graph: a parsed plan → RDF (N-Quads text, Turtle, JSON-LD) with IRIs from
``vocab``; ``validate`` checks a store against the SHACL shapes."""
