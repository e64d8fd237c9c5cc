"""Vocabulary shortlists: the decoder scores a few hundred likely target tokens per batch, not
the model's whole vocabulary (``--shortlist FILE|auto``; README, Shortlist).

- ``vmap``: the file (CTranslate2's vocabulary map, plus a header naming the vocabulary)
- ``tokens``: a Marian folder's source and target tokens, and its vocabulary hash
- ``build``: counting pairs over finished folders or a parallel corpus, choosing the lists
- ``locate``: which file a run uses, the model check, the CTranslate2 folder with ``vmap.txt``
- ``head``: the transformers output projection restricted per batch (imports torch)
"""
