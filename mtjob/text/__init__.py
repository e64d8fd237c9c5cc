"""Text: pure functions on sentences, no model and no engine.

- ``clean``: Arabic cleaned for the model (the raw paragraph is kept for the record)
- ``segment``: sentences under a token limit, never truncated (``Segment``, ``TokenCounter``)
- ``quality``: translations wrong without an error (loops, odd lengths, lost numbers)
- ``alignment``: word pairs from cross-attention, and their coverage
- ``abstract_checks``: numbers and names an abstract states that the translation does not
"""
