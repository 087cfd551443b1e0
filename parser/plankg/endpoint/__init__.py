"""The SPARQL endpoint of ``plankg serve``: an HTTP request → a bounded answer from the
newest snapshot of the store.

``server.py`` takes HTTP requests (SPARQL 1.1 protocol at ``/query``), enforces the
limits (request size, time, rows) and hands each query to one of a few worker
processes (``worker.py``), which read the newest snapshot that
:mod:`plankg.store.snapshot` made of the store; a worker past its time is killed and
replaced, so one runaway query never takes the endpoint down.
"""
