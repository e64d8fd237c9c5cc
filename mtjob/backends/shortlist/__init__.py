"""Vocabulary shortlists: per batch, the decoder scores only the likely target tokens.

``--shortlist FILE|auto`` (docs/shortlist.md): a few hundred rows of the output projection in
place of the model's whole vocabulary.

- ``vmap``: the file (CTranslate2's vocabulary map, plus a header naming the vocabulary)
- ``tokens``: a Marian folder's source and target tokens, and its vocabulary hash
- ``build``: counting pairs over finished folders or a parallel corpus, choosing the lists
- ``locate``: which file a run uses, the model check, the CTranslate2 folder with ``vmap.txt``
- ``head``: the transformers output projection restricted per batch (imports torch)
"""
