"""The translation memory: one SQLite file of Arabic sentences and the English people kept.

- ``entries``: what an entry is (``MemoryEntry``), its key, the cleaning of its texts
- ``database``: the file: what makes it mtjob's, its checks, read-only opening
- ``writer``: ``memory add``'s writes: copy, change, rename
- ``adding``: ``memory add``, the sentences of finished folders into it
- ``reader``: exact look-ups, close matches, every entry, counts
- ``fuzzy``: the character-count index that finds close matches without a scan
- ``lookup``: a run's segments matched against it before any is decoded
- ``tmx``: the memory exported as TMX for CAT tools
"""
