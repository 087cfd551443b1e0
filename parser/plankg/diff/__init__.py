"""Two plans → what changed between them, by meaning: ``plankg diff OLD NEW``.

Takes two plans (plan files, parsed by :mod:`plankg.pipeline`, or plan ids read back
from the store), reads both the same way from their RDF graph (``facts.py``), aligns
their chapters, sections, key tasks, 专栏, projects, indicators and service items by
content rather than position (``align.py``) → rows ``kind,change,old,new,field,
oldValue,newValue`` (added, removed, renamed, changed) written as a table, CSV or JSON.
"""
