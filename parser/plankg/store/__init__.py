"""Stage 5, store: RDF → the embedded Oxigraph store (load, build with workers) and back
out as query results (named queries, the result cache)."""
