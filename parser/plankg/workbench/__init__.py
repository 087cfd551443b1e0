"""The researcher's workbench: the store's graphs → comparisons, exports, reports.

Takes a store filled by ``plankg load``/``build`` (through the named queries and
:mod:`plankg.store`) → hands on what a researcher uses without SPARQL: aligned
indicators side by side across regions (:mod:`.compare`, units normalised by
:mod:`.units`), files for pandas, R or Excel and the graphs as JSON-LD/TriG/N-Quads
(:mod:`.export`), a self-contained HTML page per plan or comparison (:mod:`.report`,
every fact linked to its quote by :func:`.provenance.quote_of`), charts
(:mod:`.plot`), the notebook API (:mod:`.api`) and terminal progress bars
(:mod:`.progress`).
"""
