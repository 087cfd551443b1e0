"""Stage 3, semantic: the tree → the same tree with meaning added: service domains,
quantities, departments, region, metadata and links between projects and indicators."""
