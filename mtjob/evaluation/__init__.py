"""Scoring a finished folder: against references, or its machine English against post-edits.

- ``references``: ``mtjob eval --refs``: BLEU, chrF++, ROUGE
- ``post_edits``: ``mtjob eval --post-edits``: HTER, chrF, how well ``score`` predicts edits
- ``calibrate``: the calibrated ``min_score`` written into a config profile
"""
