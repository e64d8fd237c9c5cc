"""Tokenizers alone: token counts and limits without weights, and without transformers.

- ``tokenizer``: a model's tokenizer (``ModelTokenizer``), light or transformers'
- ``files``: what a model folder's tokenizer files say
- ``marian_spm``: MarianMT's tokenizer on sentencepiece
- ``roberta_bpe``: BART's tokenizer on the ``tokenizers`` library
"""
