"""The memory's file (issue 29, items 9-12): recognised before anything is written to it, a
killed ``memory add`` (real SIGKILLs at several points) leaves it readable, a write lock of
another program waits then exits 75, and a damaged memory fails up front, naming it.

Only the CLI and plain SQLite are used here, so each test runs against the code before the
fix as well (``PYTHONPATH=/work/main``), where it fails.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.testing.fakes import FakeModels, FakeTranslator

APPLICATION_ID = 0x6D746A6D  # "mtjm"
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def mtjob(*args: object, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mtjob", *map(str, args)],
                          capture_output=True, text=True, timeout=120, **kwargs)


def arabic(i: int) -> str:
    """A distinct Arabic sentence for each ``i``."""
    words, n = [], i + 1
    while n:
        words.append(LETTERS[n % len(LETTERS)] * 2 + LETTERS[(n // 7) % len(LETTERS)])
        n //= len(LETTERS)
    return "قال المتحدث " + " ".join(words) + " إن المحادثات مستمرة."


def corrected_folder(folder: Path, count: int, fix: str = "fixed") -> Path:
    """An output folder whose ``count`` sentences a person corrected."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "a.jsonl", "w", encoding="utf-8") as handle:
        for i in range(count):
            s = {"ar": arabic(i), "en": "machine", "src_tokens": 9, "tgt_tokens": 1,
                 "flags": [], "post_edit": f"{fix} {i}", "edited_by": "rania",
                 "edited_at": "2026-12-01T10:00:00Z"}
            handle.write(json.dumps({"doc_id": "a", "para_id": i, "ar": s["ar"], "en": "m",
                                     "sentences": [s], "flags": []}, ensure_ascii=False) + "\n")
    return folder


def entries(mem: Path) -> dict[str, str]:
    db = sqlite3.connect(f"{mem.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT ar, en FROM entries"))
    finally:
        db.close()


def application_id(mem: Path) -> int:
    return int.from_bytes(mem.read_bytes()[68:72], "big")


# -- item 9: a memory is recognisably mtjob's before anything is written to it -------------

def test_add_never_writes_into_another_applications_database(tmp_path):
    out = corrected_folder(tmp_path / "out", 3)
    other = tmp_path / "crm.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE customers (name TEXT)")
    db.execute("INSERT INTO customers VALUES ('Rania')")
    db.commit()
    db.close()
    before = other.read_bytes()
    result = invoke("memory", "add", other, out)
    assert result.exit_code == 2, result.output
    assert "not an mtjob memory" in result.output and "customers" in result.output
    assert other.read_bytes() == before
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n", encoding="utf-8")
    assert invoke("memory", "add", text, out).exit_code == 2
    assert text.read_text(encoding="utf-8") == "not a database\n"


def test_a_new_memory_is_marked_as_mtjobs_and_an_old_one_is_still_one(tmp_path):
    out = corrected_folder(tmp_path / "out", 2)
    mem = tmp_path / "new.sqlite"
    assert invoke("memory", "add", mem, out).exit_code == 0
    assert application_id(mem) == APPLICATION_ID
    legacy = tmp_path / "legacy.sqlite"  # as mtjob wrote memories before the id existed
    db = sqlite3.connect(legacy)
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE entries (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
            key_len INTEGER NOT NULL, ar TEXT NOT NULL, en TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('post_edit', 'mt')), edited_by TEXT,
            edited_at TEXT, doc_id TEXT, unit TEXT, added_at TEXT NOT NULL);
        CREATE INDEX entries_key_len ON entries (key_len);
        INSERT INTO meta VALUES ('format', '1');""")
    db.close()
    assert invoke("memory", "stats", legacy).exit_code == 0
    assert "added 2" in invoke("memory", "add", legacy, out).output
    assert application_id(legacy) == APPLICATION_ID


# -- item 10: a killed memory add leaves the memory readable --------------------------------

KILLER = textwrap.dedent("""
    import os, signal, sqlite3, sys
    point, at = sys.argv[1], int(sys.argv[2])
    seen = [0]
    def kill():
        os.kill(os.getpid(), signal.SIGKILL)
    def traced(*args, **kwargs):
        db = real_connect(*args, **kwargs)
        db.execute("PRAGMA cache_size = 5")  # pages reach the file mid-write, as in a big add
        def trace(statement):
            seen[0] += 1
            if point == "statement" and seen[0] == at:
                kill()
        db.set_trace_callback(trace)
        return db
    real_connect, sqlite3.connect = sqlite3.connect, traced
    real_replace = os.replace
    def replace(src, dst, *a, **k):
        if point == "before-rename":
            kill()
        real_replace(src, dst, *a, **k)
        if point == "after-rename":
            kill()
    os.replace = replace
    from mtjob.cli import main
    sys.argv = ["mtjob", "memory", "add", *sys.argv[3:]]
    main()
""")


@pytest.mark.parametrize("point,at", [("statement", 40), ("statement", 400),
                                      ("statement", 1500), ("before-rename", 0),
                                      ("after-rename", 0)])
def test_a_killed_add_leaves_the_memory_readable(tmp_path, point, at):
    mem = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", mem, corrected_folder(tmp_path / "day1", 600)).exit_code == 0
    before = entries(mem)
    day2 = corrected_folder(tmp_path / "day2", 900, fix="newer")  # 600 replaced, 300 added
    for line in (day2 / "a.jsonl").read_text(encoding="utf-8").splitlines()[:1]:
        assert "newer 0" in line
    killed = subprocess.run([sys.executable, "-c", KILLER, point, str(at), str(mem), str(day2)],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    stats = mtjob("memory", "stats", mem, "--json")  # a reader, as run and translate are
    assert stats.returncode == 0, stats.stderr
    after = entries(mem)
    assert after in (before, {**before, **{arabic(i): f"newer {i}" for i in range(900)}})
    again = mtjob("memory", "add", mem, day2)  # the next add finishes the work
    assert again.returncode == 0, again.stderr
    assert entries(mem) == {arabic(i): f"newer {i}" for i in range(900)}
    left = [p.name for p in tmp_path.iterdir() if "journal" in p.name or "tmp" in p.name]
    assert not left  # no temp file, no journal


def test_a_hot_journal_of_another_writer_is_rolled_back_by_a_reader(tmp_path):
    """An older mtjob (or any SQLite program) killed while writing in place leaves a hot
    journal; a reader that may write there lets SQLite roll it back and goes on."""
    mem = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", mem, corrected_folder(tmp_path / "out", 600)).exit_code == 0
    before = entries(mem)
    script = ("import os, signal, sqlite3, sys\n"
              "db = sqlite3.connect(sys.argv[1])\n"
              "db.execute('PRAGMA cache_size = 2')\n"  # pages spill into the file itself
              "db.execute('BEGIN')\n"
              "db.execute(\"UPDATE entries SET en = en || ' half-written'\")\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    killed = subprocess.run([sys.executable, "-c", script, str(mem)], timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert Path(f"{mem}-journal").exists()
    stats = mtjob("memory", "stats", mem)
    assert stats.returncode == 0, stats.stderr
    assert "rolled back an interrupted write" in stats.stderr
    assert entries(mem) == before


def test_a_hot_journal_a_reader_may_not_roll_back_is_named(tmp_path, monkeypatch):
    from mtjob.errors import ConfigError
    from mtjob.memory.reader import MemoryReader

    mem = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", mem, corrected_folder(tmp_path / "out", 300)).exit_code == 0
    script = ("import os, signal, sqlite3, sys\n"
              "db = sqlite3.connect(sys.argv[1]); db.execute('PRAGMA cache_size = 2')\n"
              "db.execute('BEGIN'); db.execute(\"UPDATE entries SET en = en || 'x'\")\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    subprocess.run([sys.executable, "-c", script, str(mem)], timeout=60)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **k: False if mode == os.W_OK
                        else real(p, mode, **k))  # read-only storage (the tests run as root)
    with pytest.raises(ConfigError, match="mem.sqlite-journal"):
        MemoryReader(mem)


# -- item 11: a write lock of another program: wait, then exit 75 ---------------------------

@pytest.fixture
def fake(monkeypatch):
    translator = FakeTranslator()
    monkeypatch.setattr("mtjob.job.default_models", lambda config: FakeModels(translator))
    return translator


def hold_write_lock(mem: Path, seconds: float) -> subprocess.Popen:
    """Another program holding the memory's exclusive lock for ``seconds``."""
    script = ("import sqlite3, sys, time\n"
              "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True)\n"
              "time.sleep(float(sys.argv[2])); db.execute('COMMIT')\n")
    holder = subprocess.Popen([sys.executable, "-c", script, str(mem), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def test_a_memory_locked_by_another_program_is_busy_not_broken(tmp_path, fake):
    mem = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", mem, corrected_folder(tmp_path / "seed", 3)).exit_code == 0
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "b.txt").write_text(arabic(1) + "\n", encoding="utf-8")
    holder = hold_write_lock(mem, 30)
    try:
        started = time.monotonic()
        result = invoke("run", inbox, "--out", tmp_path / "out", "--memory", mem,
                        "--wait-lock", "1", "--quiet")
        assert result.exit_code == 75, result.output
        assert "mem.sqlite" in result.output and "write lock" in result.output
        assert time.monotonic() - started < 25  # bounded: never the holder's 30 s
        assert not fake.calls and not (tmp_path / "out" / "b.jsonl").exists()
    finally:
        holder.kill()
        holder.wait()
    holder = hold_write_lock(mem, 1.5)  # released while the run waits: it goes on
    try:
        result = invoke("run", inbox, "--out", tmp_path / "out", "--memory", mem,
                        "--wait-lock", "20", "--quiet")
        assert result.exit_code == 0, result.output
    finally:
        holder.wait()
    line = json.loads((tmp_path / "out" / "b.jsonl").read_text(encoding="utf-8"))
    assert line["sentences"][0]["origin"] == "memory"


# -- item 12: a damaged memory fails up front, naming it ------------------------------------

def damage_entries(mem: Path) -> None:
    """Overwrite every page but the schema's and the meta table's with garbage: what the
    old up-front check read still reads."""
    db = sqlite3.connect(mem)
    page = db.execute("PRAGMA page_size").fetchone()[0]
    keep = {1, db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'meta'").fetchone()[0]}
    keep |= {r[0] for r in db.execute("SELECT rootpage FROM sqlite_master "
                                      "WHERE name LIKE 'sqlite_autoindex_meta%'")}
    count = db.execute("PRAGMA page_count").fetchone()[0]
    db.close()
    with open(mem, "r+b") as handle:
        for number in range(1, count + 1):
            if number not in keep:
                handle.seek((number - 1) * page)
                handle.write(bytes([0x5A]) * page)


def test_a_damaged_memory_fails_before_any_article_naming_it(tmp_path, fake):
    mem = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", mem, corrected_folder(tmp_path / "seed", 400)).exit_code == 0
    damage_entries(mem)
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "b.txt").write_text(arabic(1) + "\n", encoding="utf-8")
    result = invoke("run", inbox, "--out", tmp_path / "out", "--memory", mem)
    assert result.exit_code == 2, result.output
    assert "mem.sqlite" in result.output and "damaged" in result.output
    assert "unexpected" not in result.output
    assert not fake.calls
    stats = invoke("memory", "stats", mem)
    assert stats.exit_code == 2 and "damaged" in stats.output
    export = invoke("memory", "export", mem, "--to", tmp_path / "m.tmx")
    assert export.exit_code == 2 and not (tmp_path / "m.tmx").exists()
    before = mem.read_bytes()
    add = invoke("memory", "add", mem, corrected_folder(tmp_path / "more", 2))
    assert add.exit_code == 2 and "damaged" in add.output
    assert mem.read_bytes() == before  # a damaged memory is not copied into a new one


def test_a_fifo_or_a_folder_is_no_memory_and_nothing_waits_on_it(tmp_path, fake):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "b.txt").write_text(arabic(1) + "\n", encoding="utf-8")
    fifo = tmp_path / "mem.fifo"
    os.mkfifo(fifo)
    for mem in (fifo, tmp_path):
        for args in (["run", inbox, "--out", tmp_path / "out", "--memory", mem],
                     ["memory", "stats", mem], ["memory", "add", mem, tmp_path / "in"]):
            result = invoke(*args)
            assert result.exit_code == 2 and "not an mtjob memory" in result.output, args
    assert not fake.calls
