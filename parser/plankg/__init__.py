"""plankg: Chinese five-year plans as a SPARQL-queryable knowledge graph."""

__version__ = "0.1.0"
