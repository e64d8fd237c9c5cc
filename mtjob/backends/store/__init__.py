"""The model store: finding, fetching, fingerprinting and checking model folders.

- ``hub``: model folders from a hub id or a local folder, safely and cheaply
- ``download``: a model absent from the cache, fetched once, safe weights only
- ``fingerprint``: a local folder's content fingerprint, cached against its files' stats
- ``validate``: a resolved model's config, weights and tokenizer checked before any work
"""
