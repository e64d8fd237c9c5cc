"""Shared fixtures: an isolated home/cache for every test, tiny real models built once."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "article.ar.txt"

# Before anything imports huggingface_hub (session fixtures too): never reach for the hub.
os.environ["HF_HUB_OFFLINE"] = "1"

# The user's own caches, which no test may write into. Module- and session-scoped fixtures
# run before the per-test fixture below, so the whole process is pointed at a temp home here,
# at import, and pytest_sessionfinish fails the run if either cache gained an entry anyway.
USER_CACHES = [Path(os.environ.get("MTJOB_CACHE") or Path.home() / ".cache" / "mtjob"),
               Path(os.environ.get("HF_HOME") or Path.home() / ".cache" / "huggingface")]
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="mtjob-tests-home-"))
for _var in ("HOME", "HF_HOME", "XDG_CACHE_HOME", "MTJOB_CACHE"):
    os.environ[_var] = str(_SESSION_HOME / _var.lower())


def _listing(folders: list[Path], depth: int = 3) -> set[str]:
    """Entries up to ``depth`` levels down (a write of mtjob's or the hub's cache makes one
    there: ``ct2/NAME``, ``hub/models--X``); not the whole tree, which can be huge."""
    found: set[str] = set()
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            level = len(Path(root).relative_to(folder).parts)
            found.update(os.path.join(root, name) for name in dirs + files)
            if level + 1 >= depth:
                dirs.clear()
    return found


_USER_CACHES_BEFORE = _listing(USER_CACHES)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a test wrote into the user's ~/.cache/mtjob or ~/.cache/huggingface."""
    written = sorted(_listing(USER_CACHES) - _USER_CACHES_BEFORE)
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)
    if written:
        print("\nThe tests wrote into the user's caches:", *written[:20], sep="\n  ")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
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
def tiny_args(tiny_models: dict[str, Path]) -> list[str]:
    """CLI flags that point mtjob at the tiny models, greedy and small for speed."""
    return ["--mt-model", str(tiny_models["mt"]), "--sum-model", str(tiny_models["sum"]),
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
