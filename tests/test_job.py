"""The pipeline (run_shard) with scripted fake models: fast, exact, no torch."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from mtjob.config import JobConfig
from mtjob.engines.local import LocalEngine
from mtjob.errors import LockHeldError
from mtjob.job import run_shard
from mtjob.outfolder.lock import OutputLock
from mtjob.outfolder.paths import meta_dir
from mtjob.outfolder.verify import verify
from mtjob.testing.fakes import FakeModels, FakeSummarizer, FakeTranslator
from mtjob.text import quality

from .conftest import SAMPLE
from .helpers import run_fake


class OOM(RuntimeError):
    """Stands in for torch.cuda.OutOfMemoryError (matched by its class name)."""


OOM.__name__ = "OutOfMemoryError"


def factory(translator=None, summarizer=None, calls=None):
    return FakeModels(translator, summarizer, calls)


def failures(report) -> list[tuple[str, str]]:
    return [(str(o.path), o.error) for o in report.failed]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def words(text: str) -> list[str]:
    return text.split()


@pytest.fixture
def cfg() -> JobConfig:
    return JobConfig(mt_model="fake-mt", sum_model="fake-sum", summary=True, sum_min_length=5)


def test_sample_article_gives_17_aligned_records(tmp_path, sample_inbox, cfg):
    report = run_shard(cfg, [sample_inbox], tmp_path / "out", models=factory())
    assert report.done == ["article"] and not report.failed
    records = lines(tmp_path / "out" / "article.jsonl")
    assert [r["para_id"] for r in records] == list(range(17))
    for record in records:
        # Sentences cover every word of the paragraph, in order, exactly once.
        assert words(" ".join(s["ar"] for s in record["sentences"])) == words(record["ar"])
        assert record["en"] == " ".join(s["en"] for s in record["sentences"])
    assert records[4]["ar"] == "كيري وميستورا"
    meta = json.loads((tmp_path / "out" / "article.abstract.json").read_text())
    assert meta["paragraphs"] == 17 and meta["method"] == "abstractive"
    assert meta["models"]["mt"]["id"] == "fake-mt" and meta["models"]["summary"]["id"] == "fake-sum"
    assert verify(tmp_path / "out") == []


def test_rerun_loads_no_model_and_changes_no_file(tmp_path, sample_inbox, cfg, monkeypatch):
    from mtjob.outfolder import index

    # The source was written just now: as if it had settled (the "racily clean" window,
    # outfolder/test_index_racy.py), so the first run stores its index row and the rerun has
    # none to add.
    monkeypatch.setattr(index, "RACY_NS", -(1 << 62))
    monkeypatch.setattr(index, "FINE_RACY_NS", -(1 << 62))
    out = tmp_path / "out"
    run_shard(cfg, [sample_inbox], out, models=factory())
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    calls: list = []
    report = run_shard(cfg, [sample_inbox], out, models=factory(calls=calls))
    assert calls == [] and report.unchanged == ["article"] and not report.models_loaded
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("change", ["source", "settings", "force", "truncated"])
def test_changed_article_or_settings_is_redone(tmp_path, sample_inbox, cfg, change):
    out = tmp_path / "out"
    run_shard(cfg, [sample_inbox], out, models=factory())
    force = False
    if change == "source":
        with (sample_inbox / "article.txt").open("a", encoding="utf-8") as handle:
            handle.write("\nفقرة جديدة.\n")
    elif change == "settings":
        cfg = JobConfig(**{**cfg.to_dict(), "beams": 2})
    elif change == "force":
        force = True
    else:
        data = (out / "article.jsonl").read_bytes()
        (out / "article.jsonl").write_bytes(data[: len(data) // 2])
    calls: list = []
    report = run_shard(cfg, [sample_inbox], out, force=force, models=factory(calls=calls))
    assert report.done == ["article"] and len(calls) == 1
    assert verify(out) == []


def test_bad_article_fails_alone(tmp_path, sample_inbox, cfg):
    (sample_inbox / "bad.txt").write_bytes("مرحبا".encode() + b"\xff\xfe tail\n")
    (sample_inbox / "empty.txt").write_text("\n&\n  \n&\n", encoding="utf-8")
    out = tmp_path / "out"
    report = run_shard(cfg, [sample_inbox], out, models=factory())
    assert report.done == ["article"]
    failed = dict(failures(report))
    assert "byte 10" in failed[str(sample_inbox / "bad.txt")]
    assert "no text" in failed[str(sample_inbox / "empty.txt")]
    manifest = json.loads((meta_dir(out) / "manifest-00000-of-00001.json").read_text())
    assert manifest["articles"]["bad"]["status"] == "failed"
    assert not (meta_dir(out) / "completions" / "00000-of-00001").exists()
    assert not (out / "bad.jsonl").exists()


def test_two_shards_cover_ten_articles_exactly_once(tmp_path, cfg):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(10):
        shutil.copy(SAMPLE, inbox / f"a{i:02d}.txt")
    out = tmp_path / "out"
    done = [run_shard(cfg, [inbox], out, rank, 2, models=factory()).done
            for rank in (0, 1)]
    assert not set(done[0]) & set(done[1])
    assert sorted(done[0] + done[1]) == [f"a{i:02d}" for i in range(10)]
    assert all(done)  # both shards got work with this seed-free hash split
    assert (meta_dir(out) / "completions" / "00000-of-00002").exists()
    assert (meta_dir(out) / "completions" / "00001-of-00002").exists()
    assert verify(out) == []


def test_held_lock_refuses_a_second_run(tmp_path, sample_inbox, cfg):
    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(meta_dir(out) / "lock-00000-of-00001"):
        with pytest.raises(LockHeldError) as info:
            run_shard(cfg, [sample_inbox], out, models=factory())
    assert info.value.exit_code == 75
    # Another rank of the same shard count has its own lock (another count is refused since
    # issue 10: tests/outfolder/test_lock.py).
    with OutputLock(meta_dir(out) / "lock-00000-of-00002"):
        run_shard(cfg, [sample_inbox], out, 1, 2, models=factory())


def test_out_of_memory_is_retried_with_a_smaller_budget(tmp_path, sample_inbox, cfg):
    cfg = JobConfig(**{**cfg.to_dict(), "batch_tokens": 4000, "min_batch_tokens": 16})

    def fail(texts, options):
        if sum(len(t.split()) + 1 for t in texts) > 120:
            raise OOM("CUDA out of memory. Tried to allocate 2.00 GiB")

    oom = FakeTranslator(fail=fail)
    run_shard(cfg, [sample_inbox], tmp_path / "a", models=factory(oom))
    run_shard(cfg, [sample_inbox], tmp_path / "b", models=factory())
    assert (tmp_path / "a" / "article.jsonl").read_bytes() == \
        (tmp_path / "b" / "article.jsonl").read_bytes()
    sizes = [len(texts) for texts, _ in oom.calls]
    assert sizes[0] > sizes[-1]
    # The budget found carries over: after the first failure no batch is as big again.
    first_fail = next(i for i, (t, _) in enumerate(oom.calls)
                      if sum(len(x.split()) + 1 for x in t) > 120)
    assert all(len(t) < sizes[first_fail] for t, _ in oom.calls[first_fail + 1:])


@pytest.mark.slow
def test_out_of_memory_at_the_minimum_fails_the_article_by_name(tmp_path, sample_inbox, cfg):
    def fail(texts, options):
        raise OOM("CUDA out of memory")

    report = run_shard(cfg, [sample_inbox], tmp_path / "out",
                       models=factory(FakeTranslator(fail=fail)))
    assert not report.done
    [(name, message)] = failures(report)
    assert "article.txt" in message and "minimum token budget" in message


def test_other_errors_are_not_retried(tmp_path, sample_inbox, cfg):
    def fail(texts, options):
        raise ValueError("bad input ids")

    broken = FakeTranslator(fail=fail)
    report = run_shard(cfg, [sample_inbox], tmp_path / "out", models=factory(broken))
    sent = [text for texts, _ in broken.calls for text in texts]
    assert len(sent) == len(set(sent))  # each batch tried once: no back-off, no retry
    assert "ValueError: bad input ids" in failures(report)[0][1]


def test_degenerate_output_is_retried_and_flagged(tmp_path, sample_inbox, cfg):
    def script(text, options):
        if "لافروف" in text and options.repetition_penalty == 1.0:
            return "no, " * 30
        return None

    translator = FakeTranslator(script=script)
    report = run_shard(cfg, [sample_inbox], tmp_path / "out", models=factory(translator))
    records = lines(tmp_path / "out" / "article.jsonl")
    flagged = [s for r in records for s in r["sentences"] if "retried" in s["flags"]]
    assert flagged and all("no, no" not in s["en"] for s in flagged)
    assert all(quality.REPETITION not in s["flags"] for s in flagged)
    retries = [o for _, o in translator.calls if o.repetition_penalty > 1.0]
    assert retries and all(o.no_repeat_ngram_size == 3 for o in retries)
    assert report.flags["retried"] == len(flagged)


def test_retry_keeps_the_original_when_it_is_no_better(tmp_path, sample_inbox, cfg):
    def script(text, options):
        return "again " * 20 if "لافروف" in text else None

    run_shard(cfg, [sample_inbox], tmp_path / "out",
              models=factory(FakeTranslator(script=script)))
    records = lines(tmp_path / "out" / "article.jsonl")
    looped = [s for r in records for s in r["sentences"] if "again again" in s["en"]]
    assert looped and all({"repetition", "retried"} <= set(s["flags"]) for s in looped)
    assert all("repetition" in r["flags"] for r in records if "لافروف" in r["ar"])


def test_numbers_missing_from_the_translation_are_flagged(tmp_path, cfg):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "n.txt").write_text("قتل ٢٠ شخصا عام 2016.\n", encoding="utf-8")
    run_shard(cfg, [inbox], tmp_path / "out", models=factory())
    [record] = lines(tmp_path / "out" / "n.jsonl")
    assert "numbers_mismatch" in record["flags"]


def test_long_text_is_summarized_hierarchically_without_losing_input(tmp_path, cfg):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    paragraphs = [" ".join(f"كلمة{i}_{j}" for j in range(40)) + "." for i in range(30)]
    (inbox / "long.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    summarizer = FakeSummarizer(window=100, words=10)
    run_shard(cfg, [inbox], tmp_path / "out", models=factory(summarizer=summarizer))
    meta = json.loads((tmp_path / "out" / "long.abstract.json").read_text())
    assert meta["method"] == "hierarchical"
    english = [r["en"] for r in lines(tmp_path / "out" / "long.jsonl")]
    first_level = " ".join(summarizer.inputs[: -1])
    # Every word of the English text went into the first level of chunks.
    assert sum(len(e.split()) for e in english) <= len(first_level.split())


def test_no_summary_writes_a_null_abstract_and_loads_no_summarizer(tmp_path, sample_inbox, cfg):
    cfg = JobConfig(**{**cfg.to_dict(), "summary": False})

    class NoSummarizer(FakeSummarizer):
        def summarize(self, texts, call=None):
            raise AssertionError("summarizer used")

        def info(self):
            raise AssertionError("summarizer loaded")

    run_shard(cfg, [sample_inbox], tmp_path / "out",
              models=factory(summarizer=NoSummarizer()))
    meta = json.loads((tmp_path / "out" / "article.abstract.json").read_text())
    assert meta["abstract"] is None and meta["method"] == "none" and "summary" not in meta["models"]


def test_hostile_text_is_normalised_never_lost(tmp_path, cfg):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    trojan = "\u202eالنص\u202c معكوس\u2066 هنا\u2069."
    giant = "ههههه" * 1000
    long_para = " ".join(["كلمة"] * 1200)
    text = f"{trojan}\n&\nسطر\u2028ثان\u0085ثالث.\n&\n{giant}\n&\n{long_para}\n&\nنص\x00مع صفر.&\n"
    (inbox / "hostile.txt").write_text(text, encoding="utf-8")
    report = run_shard(cfg, [inbox], tmp_path / "out", models=factory())
    assert report.done == ["hostile"]
    raw = (tmp_path / "out" / "hostile.jsonl").read_text(encoding="utf-8")
    assert len(raw.splitlines()) == 5  # U+2028 / U+0085 escaped: one record per line
    records = lines(tmp_path / "out" / "hostile.jsonl")
    assert records[1]["ar"] == "سطر\u2028ثان\u0085ثالث."
    joined = "".join(s["ar"] for s in records[2]["sentences"])
    assert joined == giant  # split into pieces under the token limit, nothing cut
    assert all(s["src_tokens"] <= cfg.max_source_tokens for r in records for s in r["sentences"])
    assert words(" ".join(s["ar"] for s in records[3]["sentences"])) == words(long_para)
    assert records[4]["ar"] == "نصمع صفر."
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", json.dumps(
        [s for r in records for s in r["sentences"]]).replace("\\u202e", ""))


def test_input_names_with_spaces_arabic_and_leading_dash(tmp_path, cfg):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = ["with space.txt", "مقال.txt", "-dash.txt"]
    for name in names:
        shutil.copy(SAMPLE, inbox / name)
    report = run_shard(cfg, [inbox], tmp_path / "out", models=factory())
    assert sorted(report.done) == sorted(Path(n).stem for n in names)
    assert (tmp_path / "out" / "-dash.jsonl").exists()
    assert verify(tmp_path / "out") == []


def test_duplicate_output_names_are_a_usage_error(tmp_path, cfg):
    from mtjob.errors import ConfigError

    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(SAMPLE, tmp_path / sub / "same.txt")
    with pytest.raises(ConfigError, match="same.jsonl"):
        run_shard(cfg, [tmp_path / "a", tmp_path / "b"], tmp_path / "out",
                  models=factory())


def test_oversized_file_is_refused_and_the_rest_goes_on(tmp_path, sample_inbox, cfg):
    with (sample_inbox / "huge.txt").open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # 20 MB (sparse): never read whole
    report = run_shard(cfg, [sample_inbox], tmp_path / "out", models=factory())
    assert report.done == ["article"]
    [(name, message)] = failures(report)
    assert "huge.txt" in message and "20971520 bytes" in message and "max_file_bytes" in message


def test_unwritable_output_folder_is_a_clear_error(tmp_path, sample_inbox, cfg):
    from mtjob.errors import OutputError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="not writable"):
        run_shard(cfg, [sample_inbox], blocker / "out", models=factory())
    assert blocker.read_text() == "not a folder"


def test_disk_full_keeps_existing_outputs(tmp_path, sample_inbox, cfg, monkeypatch):
    import errno
    import os

    out = tmp_path / "out"
    run_shard(cfg, [sample_inbox], out, models=factory())
    before = snapshot = {p.name: p.read_bytes() for p in out.glob("*.json*")}
    real_fsync = os.fsync

    def full(fd):
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".article"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    report = run_shard(cfg, [sample_inbox], out, force=True, models=factory())
    assert report.failed and "disk full" in failures(report)[0][1]
    assert {p.name: p.read_bytes() for p in out.glob("*.json*")} == before == snapshot
    assert not [p for p in out.iterdir() if p.name.startswith(".article")]


def test_wait_lock_waits_for_the_holder(tmp_path, sample_inbox, cfg):
    import threading

    out = tmp_path / "out"
    out.mkdir()
    lock = OutputLock(meta_dir(out) / "lock-00000-of-00001")
    lock.acquire()
    threading.Timer(0.5, lock.release).start()
    report = run_shard(cfg, [sample_inbox], out, wait_lock=10, models=factory())
    assert report.done == ["article"]


def test_batches_are_length_sorted_across_articles_and_restored(tmp_path, cfg):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("قصير.\n\nجملة أطول قليلا من الأولى هنا.\n", encoding="utf-8")
    (inbox / "b.txt").write_text("جملة أطول قليلا من الأولى هنا أيضا.\n\nقصير جدا.\n",
                                 encoding="utf-8")
    translator = FakeTranslator()
    cfg = JobConfig(**{**cfg.to_dict(), "batch_tokens": 10, "min_batch_tokens": 4})
    run_shard(cfg, [inbox], tmp_path / "out", models=factory(translator))
    batches = [texts for texts, _ in translator.calls]
    assert ["قصير.", "قصير جدا."] in batches  # the two short ones, one from each article
    lengths = [max(len(t.split()) for t in texts) for texts in batches]
    assert lengths == sorted(lengths)
    for name, first in (("a", "قصير."), ("b", "جملة أطول قليلا من الأولى هنا أيضا.")):
        assert lines(tmp_path / "out" / f"{name}.jsonl")[0]["ar"] == first


class ParallelFake(FakeTranslator):
    """A backend that runs several batches at once (as CTranslate2 on CPU); records overlap."""

    parallel_batches = 3

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        import threading

        self.lock, self.active, self.most = threading.Lock(), 0, 0

    def translate(self, texts, options, call=None, prefixes=None):
        import time

        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            time.sleep(0.02)
            return super().translate(texts, options, call, prefixes)
        finally:
            with self.lock:
                self.active -= 1


@pytest.mark.slow
@pytest.mark.parametrize("oom", [False, True])
def test_parallel_batches_give_the_sequential_output(tmp_path, sample_inbox, cfg, oom):
    cfg = JobConfig(**{**cfg.to_dict(), "batch_tokens": 60, "min_batch_tokens": 8})

    def fail(texts, options):
        if oom and len(texts) > 1 and sum(len(t.split()) + 1 for t in texts) > 40:
            raise OOM("out of memory")

    parallel = ParallelFake(fail=fail)
    run_shard(cfg, [sample_inbox], tmp_path / "a", models=factory(parallel))
    run_shard(cfg, [sample_inbox], tmp_path / "b", models=factory())
    for name in ("article.jsonl", "article.abstract.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert parallel.most > 1 and len(parallel.calls) > 3


def test_an_interrupted_engine_cancels_the_batches_still_running(cfg):
    from mtjob.backends.base import GenOptions
    from mtjob.engines.batching import BatchJob

    engine = LocalEngine(cfg, ParallelFake(), FakeSummarizer())
    jobs = [BatchJob(("a b c",), (4,), GenOptions(1, 8))] * 6

    class Interrupt:  # a Progress whose first report is a Ctrl-C
        def begin(self, stage: str, total: int, unit: str) -> None:
            pass

        def __call__(self, steps: int) -> None:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        engine.translate_batches(jobs, Interrupt())
    assert engine.cancel.is_set()
    assert len(engine.translate_batches(jobs[:2])) == 2 and not engine.cancel.is_set()


@pytest.mark.parametrize("count, size, groups", [
    (0, 16, []), (1, 16, [(0, 1)]), (6, 16, [(0, 6)]), (8, 4, [(0, 4), (4, 8)]),
    (9, 4, [(0, 1), (1, 5), (5, 9)]), (33, 16, [(0, 1), (1, 17), (17, 33)]),
    (3, 1, [(0, 1), (1, 2), (2, 3)]),
])
def test_article_groups(count, size, groups):
    from mtjob.engines.batching import article_groups

    assert article_groups(count, size) == groups
    covered = [i for a, b in groups for i in range(a, b)]
    assert covered == list(range(count)) and all(b - a <= size for a, b in groups)


def test_a_long_run_writes_its_first_article_alone_first(tmp_path, cfg):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(5):
        shutil.copy(SAMPLE, inbox / f"a{i}.txt")
    cfg = JobConfig(**{**cfg.to_dict(), "group_articles": 2})
    seen: list[int] = []
    translator = FakeTranslator()

    class Record(FakeModels):
        def engine(self, config):
            engine = LocalEngine(config, translator, FakeSummarizer())
            real = engine.translate_batches

            def translate_batches(jobs, progress=None):
                seen.append(sum(len(j.texts) for j in jobs))
                return real(jobs, progress)

            engine.translate_batches = translate_batches
            return engine

    report = run_shard(cfg, [inbox], tmp_path / "out", models=Record(translator))
    assert len(report.done) == 5
    assert seen[0] * 2 == seen[1] == seen[2]  # 1 article, then 2 and 2 (identical articles)


class CountingSummarizer(FakeSummarizer):
    """Records each ``summarize`` call; ``broken`` texts make the whole call fail."""

    def __init__(self, broken: str = "", **kw) -> None:
        super().__init__(**kw)
        self.calls: list[list[str]] = []
        self.broken = broken

    def summarize(self, texts, call=None):
        self.calls.append(list(texts))
        if self.broken and any(self.broken in t for t in texts):
            raise RuntimeError("model failure")
        return super().summarize(texts, call)


def _docs() -> list[list[str]]:
    long = [" ".join(f"w{i}x{k}" for k in range(30)) for i in range(6)]  # over the window
    return [["Oil fell on Monday after the report was out and traders sold ."],
            ["short"],  # under the minimum: its own abstract
            ["The truce was extended by two days , officials said on Sunday ."] * 3,
            long,
            ["Talks resume in Cairo next week , the envoy told reporters today ."] * 2]


def test_one_pass_articles_are_summarized_together_the_rest_alone(cfg):
    together = CountingSummarizer(window=60)
    alone = CountingSummarizer(window=60)
    docs = _docs()
    got = LocalEngine(cfg, FakeTranslator(), together).summarize(docs)
    expected = [LocalEngine(cfg, FakeTranslator(), alone).summarize([d])[0] for d in docs]
    assert got == expected
    first = together.calls[0]
    assert len(first) == 3 and first == sorted(first, key=len)  # docs 0, 4, 2: length-sorted
    assert [o.method for o in got] == ["abstractive", "extractive", "abstractive",
                                       "hierarchical", "abstractive"]


def test_a_failed_joint_call_falls_back_to_one_article_at_a_time(cfg):
    summarizer = CountingSummarizer(window=60, broken="truce")
    got = LocalEngine(cfg, FakeTranslator(), summarizer).summarize(_docs())
    assert got[2].error is not None and "model failure" in got[2].error
    assert [o.method for o in (got[0], got[1], got[3], got[4])] == [
        "abstractive", "extractive", "hierarchical", "abstractive"]


def test_malloc_arenas_are_capped_unless_the_user_chose(monkeypatch):
    import sys

    from mtjob.backends.runtime import limit_malloc_arenas

    if not sys.platform.startswith("linux"):
        pytest.skip("glibc only")
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() is True
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False


def test_a_failed_retry_keeps_the_first_translations(tmp_path, sample_inbox, cfg):
    """The retry is optional: its failure must not fail an article already translated."""
    def fail(texts, options):
        if options.repetition_penalty != 1.0:
            raise ValueError("retry broke")

    translator = FakeTranslator(script=lambda text, options: "no no no no no no no no",
                                fail=fail)
    report = run_shard(cfg, [sample_inbox], tmp_path / "out", models=factory(translator))
    assert report.done == ["article"] and not report.failed
    assert all("repetition" in r["flags"] for r in lines(tmp_path / "out" / "article.jsonl"))


def test_a_batch_that_returns_too_few_translations_fails_its_article(tmp_path, sample_inbox,
                                                                     cfg):
    class Short(FakeTranslator):
        def translate(self, texts, options, call=None, prefixes=None):
            return super().translate(texts, options, call, prefixes)[:-1]

    report = run_shard(cfg, [sample_inbox], tmp_path / "out", models=factory(Short()))
    assert not report.done and "translation(s) for" in failures(report)[0][1]


def test_a_glossary_edited_mid_run_is_recorded_as_loaded(tmp_path, inbox, monkeypatch):
    import hashlib
    import json

    from mtjob import job
    from mtjob.translation import translate_segments

    terms = tmp_path / "terms.tsv"
    first = "المتحدث\tzzz-never-said\n".encode()
    terms.write_bytes(first)
    real = translate_segments

    def edited(*args, **kwargs):  # the editor saves while the model runs
        result = real(*args, **kwargs)
        terms.write_bytes("المتحدث\tspokesman|zzz-never-said|x\n".encode())
        return result

    monkeypatch.setattr(job, "translate_segments", edited)
    out = tmp_path / "out"
    assert run_fake([inbox], out, glossary=str(terms)).done == ["a"]
    meta = json.loads((out / "a.abstract.json").read_text())
    assert meta["settings"]["glossary_sha256"] == hashlib.sha256(first).hexdigest()
    monkeypatch.setattr(job, "translate_segments", real)
    assert run_fake([inbox], out, glossary=str(terms)).done == ["a"]  # the new glossary applies
    assert run_fake([inbox], out, glossary=str(terms)).unchanged == ["a"]
