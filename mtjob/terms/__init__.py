"""Terms and names: glossaries, the Arabic matcher, decode-time enforcement, consistency.

- ``glossary``: glossary files (TSV, OmegaT's TSV; TBX by content) as ``GlossaryTerm``s
- ``tbx``: TBX glossaries read (TBX-Basic / v2 core, v3) and written (TBX-Basic)
- ``arabic``: Arabic words folded (spelling variants) and their clitics peeled
- ``index``: ``TermIndex``, the terms of a sentence in one pass over its words
- ``protect``: do-not-translate spans without an entry (URLs, e-mails, codes, measures)
- ``check``: ``check_terms``, what an English text lacks (every surface calls it)
- ``required``: what a sentence's English must hold; ``enforce``: decoded again until it does
- ``names``, ``consistency``: recurring names, one rendering each
- ``session``: what a run does with terms, group after group
- ``stored``: the run's glossary kept in its output folder, for the final text's checks
- ``metrics``: term accuracy and name consistency for ``mtjob eval --terms``
"""
