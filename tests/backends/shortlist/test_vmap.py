"""The shortlist file: CTranslate2's vocabulary-map lines under a header naming the vocabulary;
strict reading; the candidates of a batch as CTranslate2 picks them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtjob.backends.shortlist.vmap import MAGIC, read_shortlist, vmap_bytes
from mtjob.errors import ConfigError

# Tokens as a tokenizer makes them: any characters but whitespace (a vmap separates by them).
TOKEN = st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")),
                min_size=1, max_size=8)


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "sl.txt"
    path.write_bytes(data)
    return path


@settings(deadline=None)  # a loaded machine
@given(always=st.lists(TOKEN, max_size=5, unique=True),
       rules=st.dictionaries(TOKEN, st.lists(TOKEN, min_size=1, max_size=4, unique=True),
                             max_size=5))
def test_round_trips_any_tokens(tmp_path_factory, always, rules):
    path = write(tmp_path_factory.mktemp("vmap"), vmap_bytes("abc123", always, rules,
                                                             {"sentences": 7}))
    found = read_shortlist(path)
    assert found.vocabulary == "abc123" and found.facts["sentences"] == "7"
    assert list(found.always) == always
    assert {k: list(v) for k, v in found.rules.items()} == rules


def test_the_file_is_ctranslate2_syntax(tmp_path):
    data = vmap_bytes("h1", ["▁the", "▁of"], {"▁قال": ["▁said", "▁says"]}).decode()
    header, always, rule = data.splitlines()
    assert header.startswith(MAGIC + " vocabulary:h1") and header.endswith("\t")
    assert header.count(" ") == 1  # a two-token n-gram: CTranslate2 looks one token further
    assert always == "\t▁the ▁of" and rule == "▁قال\t▁said ▁says"


def test_candidates_as_ctranslate2_picks_them(tmp_path):
    path = write(tmp_path, vmap_bytes("h", ["▁the"], {"▁a": ["▁x"], "▁a ▁b": ["▁y"],
                                                      "▁c": ["▁z"]}))
    found = read_shortlist(path)
    assert found.candidates([["▁a", "▁b", "</s>"]]) == {"▁the", "▁x", "▁y"}
    assert found.candidates([["▁b", "▁a"], ["▁c"]]) == {"▁the", "▁x", "▁z"}


@pytest.mark.parametrize(("data", "says"), [
    (b"\t\xe2\x96\x81the\n", "line 1 is not a mtjob-shortlist/1 header"),
    (b"mtjob-shortlist/1 sentences:3\t\n", "names no vocabulary"),
    (b"mtjob-shortlist/1 vocabulary:h\t\n\t\xe2\x96\x81a\nno tab here\n", "line 3"),
    (b"mtjob-shortlist/1 vocabulary:h\t\n\xff\t\n", "not UTF-8"),
])
def test_a_file_that_is_not_a_shortlist_is_named(tmp_path, data, says):
    with pytest.raises(ConfigError, match=says) as err:
        read_shortlist(write(tmp_path, data))
    assert "sl.txt" in str(err.value)


def _returns_soon(call) -> BaseException | None:
    """What ``call`` raised, or a failure if it was still blocked after 10 s (then unblocked,
    so the test run goes on)."""
    import threading

    got: list[BaseException | None] = []

    def target() -> None:
        try:
            call()
            got.append(None)
        except BaseException as exc:  # handed to the test
            got.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():
        return AssertionError("still blocked after 10 s")
    return got[0]


@pytest.mark.parametrize("reader", ["read_shortlist", "shortlist_setting"])
def test_a_fifo_named_as_the_shortlist_is_refused_without_blocking(tmp_path, reader):
    """``mtjob run --shortlist FIFO`` hung for good (``Path.read_bytes`` waits for a writer);
    the glossary and the config refuse a FIFO at once. So does the shortlist now."""
    import os
    from types import SimpleNamespace

    from mtjob.backends.shortlist.locate import shortlist_setting

    fifo = tmp_path / "sl.txt"
    os.mkfifo(fifo)
    config = SimpleNamespace(shortlist=str(fifo), mt_model="m")
    calls = {"read_shortlist": lambda: read_shortlist(fifo),
             "shortlist_setting": lambda: shortlist_setting(config, {})}  # type: ignore[arg-type]
    try:
        raised = _returns_soon(calls[reader])
    finally:
        fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # frees a reader still waiting
        os.close(fd)
    assert isinstance(raised, ConfigError), raised
    assert "sl.txt" in str(raised)
