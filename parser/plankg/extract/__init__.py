"""Extractors: tables, 专栏, key tasks, metadata, and the semantic layer."""
