"""Remote SPARQL servers: the local store → a team server, and named queries → a remote
endpoint.

``gsp.py`` pushes each named graph (every plan's and the ontology's) to a SPARQL 1.1
Graph Store Protocol endpoint, one ``PUT`` per graph, streamed from the embedded store;
``endpoint.py`` runs a query over the SPARQL 1.1 Protocol and hands back the same
table/csv/json text a local query gives; ``http.py`` is the shared client (auth,
retries with backoff, one-line errors).
"""
