"""The translation memory: one SQLite file of Arabic sentences and the English people kept.

- ``store``: add entries from finished folders, read-only look-ups, stats
- ``lookup``: a run's segments matched against it before any is decoded
- ``tmx``: the memory exported as TMX for CAT tools
"""
