"""Model resolution that is cheap enough for every run and exact: a local folder's fingerprint
is cached against its files' stats, a cached hub id resolves from the cache's refs with the
network refused, and a repository with pickle weights only is taken from the conversion
bot's safetensors pull request (a fake hub; never the network)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mtjob.backends.store import download, fingerprint, hub
from mtjob.backends.store.hub import hub_cache_dir, resolve_model
from mtjob.errors import ConfigError, ModelUnavailableError, UnsafeModelError
from mtjob.testing.fake_hub import FakeHub, commit_id, folder_files

TITLE, BOT = download.CONVERSION_TITLE, download.CONVERSION_BOT


@pytest.fixture
def hash_calls(monkeypatch) -> list[list[Path]]:
    """Every call of the fingerprint's hashing, with the files it read."""
    calls: list[list[Path]] = []
    real = fingerprint.hash_files

    def spy(files):
        calls.append(list(files))
        return real(files)

    monkeypatch.setattr(fingerprint, "hash_files", spy)
    return calls


@pytest.fixture
def model_copy(tmp_path, tiny_models) -> Path:
    folder = tmp_path / "marian"
    shutil.copytree(tiny_models["mt"], folder)
    return folder


@pytest.fixture
def no_hub(monkeypatch) -> None:
    """Any hub call, or any connection, fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the hub was called")

    monkeypatch.setattr(download, "hub_api", refuse)
    monkeypatch.setattr("socket.socket.connect", refuse)


def test_local_fingerprint_is_cached_and_reads_no_file(model_copy, hash_calls, monkeypatch):
    first = resolve_model(str(model_copy), None, None, False).revision
    assert len(hash_calls) == 1 and first.startswith("local-sha256:")
    opened: list[Path] = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or
                        real_open(self, *a, **k))
    again = resolve_model(str(model_copy), None, None, False).revision
    assert again == first and len(hash_calls) == 1
    assert not [p for p in opened if p.suffix in (".safetensors", ".spm")]


def test_touched_identical_file_rehashes_to_the_same_fingerprint(model_copy, hash_calls):
    first = resolve_model(str(model_copy), None, None, False).revision
    os.utime(model_copy / "model.safetensors")
    assert resolve_model(str(model_copy), None, None, False).revision == first
    assert len(hash_calls) == 2


def test_weights_replaced_in_place_give_a_new_revision(model_copy, hash_calls):
    """Same size and the old mtime put back (``cp -p``, rsync): still seen as changed."""
    weights = model_copy / "model.safetensors"
    first = resolve_model(str(model_copy), None, None, False).revision
    st = weights.stat()
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    os.utime(weights, ns=(st.st_atime_ns, st.st_mtime_ns))
    second = resolve_model(str(model_copy), None, None, False).revision
    assert second != first and len(hash_calls) == 2
    assert resolve_model(str(model_copy), None, None, False).revision == second
    assert len(hash_calls) == 2


def test_unwritable_cache_still_resolves(model_copy, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MTJOB_CACHE", str(blocker / "cache"))
    assert resolve_model(str(model_copy), None, None, False).revision.startswith("local-")


def hf_cache(root: Path, repo: str, files: dict[str, bytes], commit: str,
             ref: str | None = "main") -> Path:
    """The Hugging Face cache layout holding ``files`` as ``repo`` at ``commit``."""
    base = root / f"models--{repo.replace('/', '--')}"
    snapshot = base / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for name, data in files.items():
        (snapshot / name).write_bytes(data)
    if ref:
        (base / "refs" / ref).parent.mkdir(parents=True, exist_ok=True)
        (base / "refs" / ref).write_text(commit)
    return base


def test_cached_hub_id_resolves_offline_to_the_snapshot(tiny_models, no_hub, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE")  # with the hub allowed, the cache still answers
    cache = hub_cache_dir()
    commit = commit_id("c1")
    hf_cache(cache, "org/mt", folder_files(tiny_models["mt"]), commit)
    source = resolve_model("org/mt", None, None, False)
    assert source.revision == commit and source.path.name == commit
    assert resolve_model("org/mt", commit, None, False).revision == commit


def test_hub_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "h"))
    assert hub_cache_dir() == tmp_path / "h" / "hub"
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "c"))
    assert hub_cache_dir() == tmp_path / "c"
    assert hub_cache_dir(str(tmp_path / "x")) == tmp_path / "x"


@pytest.fixture
def fake_hub(monkeypatch) -> FakeHub:
    fake = FakeHub()
    monkeypatch.setattr(download, "hub_api", lambda: fake)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    return fake


def pickle_only(files: dict[str, bytes]) -> dict[str, bytes]:
    out = {k: v for k, v in files.items() if k != "model.safetensors"}
    out["pytorch_model.bin"] = b"pickle"
    return out


def test_uncached_model_is_downloaded_once(tiny_models, fake_hub):
    main = fake_hub.add_commit("org/mt", folder_files(tiny_models["mt"]))
    source = resolve_model("org/mt", None, None, False)
    assert source.revision == main and (source.path / "model.safetensors").is_file()
    assert resolve_model("org/mt", None, None, False).revision == main
    assert [c[0] for c in fake_hub.calls] == ["model_info", "snapshot_download"]


def test_pickle_only_repo_uses_the_bots_safetensors_pr(tiny_models, fake_hub):
    safe = folder_files(tiny_models["mt"])
    main = fake_hub.add_commit("org/mt", pickle_only(safe))
    fake_hub.add_pr("org/mt", safe, "mallory", TITLE, on=main)  # not the bot: never taken
    pr = fake_hub.add_pr("org/mt", safe, BOT, TITLE, on=main)
    source = resolve_model("org/mt", None, None, False)
    assert source.provenance() == {"id": "org/mt", "revision": pr, "hub_ref": "refs/pr/2"}
    assert source.use_safetensors and not (source.path / "pytorch_model.bin").exists()
    calls = len(fake_hub.calls)
    assert resolve_model("org/mt", None, None, False) == source  # from the cache now
    assert len(fake_hub.calls) == calls


@pytest.mark.parametrize("author, based_on_main", [("mallory", True), (BOT, False)])
def test_pickle_only_repo_without_a_valid_conversion_names_allow_pickle(
        tiny_models, fake_hub, author, based_on_main):
    safe = folder_files(tiny_models["mt"])
    old = fake_hub.add_commit("org/mt", pickle_only(safe))
    main = fake_hub.add_commit("org/mt", pickle_only(safe), parent=old)
    fake_hub.add_pr("org/mt", safe, author, TITLE, on=main if based_on_main else old)
    with pytest.raises(UnsafeModelError, match="no safetensors conversion.*--allow-pickle"):
        resolve_model("org/mt", None, None, False)
    source = resolve_model("org/mt", None, None, True)
    assert source.revision == main and not source.use_safetensors


def test_repo_without_weights_says_so(fake_hub):
    fake_hub.add_commit("org/empty", {"config.json": b"{}"})
    with pytest.raises(ConfigError, match="neither model.safetensors nor pytorch_model.bin"):
        resolve_model("org/empty", None, None, False)


def test_unknown_repo_is_refused_in_one_line(fake_hub):
    with pytest.raises(ModelUnavailableError, match="the hub refused it"):
        resolve_model("org/absent", None, None, False)


def test_offline_and_uncached_fails_with_the_staging_hint(monkeypatch, no_hub):
    with pytest.raises(ModelUnavailableError, match="mtjob models stage"):
        resolve_model("org/absent", None, None, False)


def test_cache_root_is_shared_with_ct2():
    from mtjob.backends import ct2

    assert ct2.cache_root is hub.cache_root
