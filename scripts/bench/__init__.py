"""Benchmarks: the whole job against the naive recipe, on models with the real architectures.

``python -m scripts.bench`` runs the parts below (see its ``--help``); the other benchmarks
are modules of their own:

- ``python -m scripts.bench.floor``: the decode floor, CTranslate2's ``translate_batch`` alone
- ``python -m scripts.bench.inbox``: reruns over an unchanged archive (fake models)
- ``python -m scripts.bench.trust``: what scores and alignments cost
- ``python -m scripts.bench.sum_floor``: the summarizer's floor, and what beam and length cost
- ``python -m scripts.bench.targets``: issue 23's speed targets (floor, runs, summarizer floor)
- ``python -m scripts.bench.prepare_big``: the full-size tc-big bench model (quality profile)
- ``python -m scripts.bench.gpu_quality``: the quality profile's price on a GPU
- ``python -m scripts.bench.memory``: the translate stage with the translation memory and without
- ``python -m scripts.bench.quick``: the quick path (``mtjob translate``), whole processes
- ``python -m scripts.bench.langid``: the language check's cost
- ``scripts/bench/naive.py``: run (a), the naive recipe as tutorials write it (a child)

Members of the main bench: ``settings`` (what every part shares), ``child`` (child processes
and how they are measured), ``runs`` (one ``mtjob run`` or naive run, one table row), ``job``
and ``gpu`` (the parts), ``tables`` (the printed tables).

Models, conversions and scratch folders go under ``models/bench/`` (gitignored), JSON into
``docs/bench/`` (``settings.save_json``); nothing into ``outputs/``.
"""
