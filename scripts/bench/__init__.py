"""Benchmarks: the whole job against the naive recipe, on models with the real architectures.

``python -m scripts.bench`` runs the parts below (see its ``--help``); the other benchmarks
are modules of their own:

- ``python -m scripts.bench.floor``: the decode floor, CTranslate2's ``translate_batch`` alone
- ``python -m scripts.bench.inbox``: reruns over an unchanged archive (fake models)
- ``python -m scripts.bench.trust``: what scores and alignments cost
- ``scripts/bench/naive.py``: run (a), the naive recipe as tutorials write it (a child)

Members of the main bench: ``settings`` (what every part shares), ``child`` (child processes
and how they are measured), ``runs`` (one ``mtjob run`` or naive run, one table row), ``job``
and ``gpu`` (the parts), ``tables`` (the printed tables).
"""
