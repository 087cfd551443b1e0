"""Stage 2, structure: text → normalised lines → blocks (headings, paragraphs, tables, 专栏)
→ the document tree with key tasks, indicator rows, service items and projects."""
