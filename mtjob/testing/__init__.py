"""Test helpers shipped with the package: tiny real models, scripted fakes, made-up folders.

- ``tiny_models``: small real Hugging Face model folders built offline
- ``seed_text``: the text their tokenizers learn; ``wiring``: their weights, made to copy
- ``bench_models``: full-size benchmark models with realistic tokenizers
- ``fakes``: scripted fake models for pipeline tests (no torch)
- ``fake_hub``: a scripted stand-in for ``huggingface_hub.HfApi``
- ``output_folder``: hand-made finished output folders for export and eval tests
"""
