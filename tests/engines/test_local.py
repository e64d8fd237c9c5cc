"""The local engine's cleaning of generated text: a control character removed is a DEBUG
line, not an INFO line per article."""

from __future__ import annotations


def test_a_generated_control_character_is_not_an_info_line(caplog):
    import logging

    from mtjob.engines.local import _clean_text

    with caplog.at_level(logging.INFO, logger="mtjob"):
        assert _clean_text("an\x00 abstract", "an abstract") == "an abstract"
    assert not [r for r in caplog.records if r.levelno >= logging.INFO]
