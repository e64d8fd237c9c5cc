"""The model store: finding, fetching, fingerprinting and checking model folders.

- ``hub``: model folders from a hub id or a local folder, safely and cheaply
- ``download``: a model absent from the cache, fetched once, safe weights only
- ``fingerprint``: a local folder's content fingerprint, cached against its files' stats
- ``validate``: a resolved model's config, weights and tokenizer checked before any work
- ``model_ref``: a model reference read as a local folder or a hub id (both named when unsure)
- ``model_kind``: a translation model must translate and a summarizer summarize (``config.json``)
"""
