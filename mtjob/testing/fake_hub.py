"""A scripted stand-in for ``huggingface_hub.HfApi``: repositories, commits, pull requests,
and a ``snapshot_download`` that writes the real cache layout (``refs/``, ``snapshots/``), so
that model resolution and ``mtjob models stage`` are tested without a network."""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any


@dataclass
class FakeRepo:
    """One repository: named references to commits, each commit's files and parent."""

    refs: dict[str, str] = field(default_factory=dict)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    prs: list[SimpleNamespace] = field(default_factory=list)


def commit_id(text: str) -> str:
    """A made-up 40-hex commit id."""
    return hashlib.sha1(text.encode()).hexdigest()


def folder_files(folder: Path) -> dict[str, bytes]:
    """The files of a model folder, as a commit's content."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


class FakeHub:
    """The ``HfApi`` methods mtjob calls; ``calls`` lists (method, repo, revision)."""

    def __init__(self) -> None:
        self.repos: dict[str, FakeRepo] = {}
        self.calls: list[tuple[str, str, str | None]] = []

    def add_commit(self, repo_id: str, files: dict[str, bytes], ref: str = "main",
                   parent: str | None = None) -> str:
        repo = self.repos.setdefault(repo_id, FakeRepo())
        sha = commit_id(f"{repo_id}:{ref}:{len(repo.files)}")
        repo.files[sha] = files
        repo.refs[ref] = sha
        if parent:
            repo.parents[sha] = parent
        return sha

    def add_pr(self, repo_id: str, files: dict[str, bytes], author: str, title: str,
               on: str) -> str:
        """A pull request ``refs/pr/N`` whose one commit sits on commit ``on``."""
        repo = self.repos[repo_id]
        num = len(repo.prs) + 1
        sha = self.add_commit(repo_id, files, f"refs/pr/{num}", parent=on)
        repo.prs.append(SimpleNamespace(num=num, title=title, author=author,
                                        git_reference=f"refs/pr/{num}", status="open",
                                        is_pull_request=True))
        return sha

    def _commit(self, repo_id: str, revision: str | None) -> tuple[FakeRepo, str]:
        from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

        repo = self.repos.get(repo_id)
        if repo is None:
            raise RepositoryNotFoundError(f"404 {repo_id}", response=_response(404))
        rev = revision or "main"
        sha = rev if rev in repo.files else repo.refs.get(rev)
        if sha is None:
            raise RevisionNotFoundError(f"404 {repo_id}@{rev}", response=_response(404))
        return repo, sha

    def model_info(self, repo_id: str, *, revision: str | None = None, **_: Any) -> Any:
        self.calls.append(("model_info", repo_id, revision))
        repo, sha = self._commit(repo_id, revision)
        siblings = [SimpleNamespace(rfilename=name) for name in repo.files[sha]]
        return SimpleNamespace(id=repo_id, sha=sha, siblings=siblings, private=False)

    def get_repo_discussions(self, repo_id: str, **_: Any) -> list[Any]:
        self.calls.append(("get_repo_discussions", repo_id, None))
        return list(self.repos[repo_id].prs)

    def list_repo_commits(self, repo_id: str, *, revision: str | None = None,
                          **_: Any) -> list[Any]:
        self.calls.append(("list_repo_commits", repo_id, revision))
        repo, sha = self._commit(repo_id, revision)
        chain = [sha]
        while chain[-1] in repo.parents:
            chain.append(repo.parents[chain[-1]])
        return [SimpleNamespace(commit_id=c) for c in chain]

    def snapshot_download(self, repo_id: str, *, revision: str | None = None,
                          cache_dir: str | None = None, local_dir: str | None = None,
                          allow_patterns: list[str] | None = None, **_: Any) -> str:
        self.calls.append(("snapshot_download", repo_id, revision))
        repo, sha = self._commit(repo_id, revision)
        if local_dir is not None:
            target = Path(local_dir)
        else:
            base = Path(str(cache_dir)) / ("models--" + repo_id.replace("/", "--"))
            target = base / "snapshots" / sha
            rev = revision or "main"
            if rev != sha:
                (base / "refs" / rev).parent.mkdir(parents=True, exist_ok=True)
                (base / "refs" / rev).write_text(sha)
        target.mkdir(parents=True, exist_ok=True)
        for name, data in repo.files[sha].items():
            if allow_patterns is None or any(fnmatch.fnmatch(name, p) for p in allow_patterns):
                (target / name).write_bytes(data)
        return str(target)


def _response(status: int) -> Any:
    # A lazy export of huggingface_hub (module __getattr__: httpx, or httpx2 from 1.x), which
    # mypy cannot see.
    from huggingface_hub.utils import httpx  # type: ignore[attr-defined]

    return httpx.Response(status, request=httpx.Request("GET", "https://huggingface.co"))
