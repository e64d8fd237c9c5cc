"""Shared fixtures: an isolated home/cache for every test, tiny real models built once."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mtjob.testing import cache_guard
from mtjob.vocabulary import Role

if TYPE_CHECKING:
    from mtjob.testing.tiny_models import ModelFolders

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "article.ar.txt"

# Before anything imports huggingface_hub (session fixtures too): never reach for the hub.
os.environ["HF_HUB_OFFLINE"] = "1"

# The user's own caches, which no test may write into. Module- and session-scoped fixtures
# run before the per-test fixture below, so the whole process is pointed at a temp home here,
# at import. The guard watches what this process and its children (every process that imports
# mtjob with MTJOB_CACHE_GUARD set) write there: such a write is refused, fails its test and
# the session, named; another process on the machine writing there meanwhile is no concern.
USER_CACHES = cache_guard.user_caches()
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="mtjob-tests-home-"))
_GUARD_LOG = _SESSION_HOME / "cache-guard.jsonl"
os.environ[cache_guard.ENV] = cache_guard.guard_env(USER_CACHES, _GUARD_LOG)
cache_guard.watch(USER_CACHES, _GUARD_LOG)
for _var in ("HOME", "HF_HOME", "XDG_CACHE_HOME", "MTJOB_CACHE"):
    os.environ[_var] = str(_SESSION_HOME / _var.lower())
os.environ.pop("HF_HUB_CACHE", None)

# A suite started under nohup (or a cron that ignores hang-ups) inherits SIGHUP ignored, and
# mtjob rightly keeps an ignored signal ignored (signals.py): the tests of what a hang-up
# does need the default disposition, here and in the processes they start.
for _sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
    if signal.getsignal(_sig) == signal.SIG_IGN:
        signal.signal(_sig, signal.SIG_DFL if _sig != signal.SIGINT else signal.default_int_handler)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run, naming each test and write, if a test wrote into the user's caches."""
    written, _ = cache_guard.read_records(_GUARD_LOG)
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)
    if written:
        print("\nThe tests wrote into the user's caches (refused):",
              *list(cache_guard.describe(written))[:20], sep="\n  ")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _no_write_into_user_caches() -> Iterator[None]:
    """The test that wrote into the user's caches (or whose child did) fails, named."""
    _, before = cache_guard.read_records(_GUARD_LOG)
    yield
    written, _ = cache_guard.read_records(_GUARD_LOG, before)
    if written:
        pytest.fail("wrote into the user's caches (refused):\n  "
                    + "\n  ".join(cache_guard.describe(written)), pytrace=False)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every cache and home variable at a temp dir and forbid the hub."""
    home = tmp_path_factory.mktemp("home")
    for var in ("HOME", "HF_HOME", "XDG_CACHE_HOME", "MTJOB_CACHE"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")
    for var in ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
                "SLURM_RESTART_COUNT", "MTJOB_DEBUG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> ModelFolders:
    """Tiny MarianMT + BART folders in the real hub layout, built once per session."""
    from mtjob.testing.tiny_models import build_tiny_models

    return build_tiny_models(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def tiny_big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny MarianMT folder in the layout of Helsinki-NLP/opus-mt-tc-big-ar-en (the quality
    profile's model: </s> amid the vocabulary, no generation_config.json), built once."""
    from mtjob.testing.tiny_models import build_marian

    return build_marian(tmp_path_factory.mktemp("models-big") / "marian-tc-big", big=True)


@pytest.fixture
def sample_inbox(tmp_path: Path) -> Path:
    """A folder holding the 17-paragraph sample article."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "article.txt")
    return inbox


@pytest.fixture
def tiny_args(tiny_models: ModelFolders) -> list[str]:
    """CLI flags that point mtjob at the tiny models, greedy and small for speed."""
    return ["--mt-model", str(tiny_models[Role.MT]), "--sum-model", str(tiny_models[Role.SUMMARY]),
            "--beams", "1", "--sum-beams", "1", "--sum-min-length", "5",
            "--sum-max-length", "30", "--quiet"]


class Blocked(Exception):
    """Not an OSError: code that swallows OSError cannot hide a hang."""


@pytest.fixture
def deadline() -> Iterator[None]:
    """Turn a hang (a FIFO opened for reading, say) into a failure, not a stuck test run."""
    def expire(signum, frame):
        raise Blocked("blocked: the code under test hung")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A folder holding ``a.txt``, one short Arabic sentence."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("قال المتحدث إن الاجتماع عقد في العاصمة.\n", encoding="utf-8")
    return folder
