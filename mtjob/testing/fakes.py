"""Scripted fake models for pipeline tests: no torch, instant, fully predictable."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..backends.base import Call, GenOptions, Hypothesis, ModelBase
from ..engines.base import ModelsBase
from ..engines.local import LocalEngine
from ..vocabulary import Role

if TYPE_CHECKING:
    from ..config import JobConfig


class FakeTranslator(ModelBase):
    """Counts a token per word (+1 for end of sequence) and 'translates' by tagging words.

    ``script`` may replace the output of a text: ``script(text, options) -> str | None``.
    ``fail`` may raise for a batch: ``fail(texts, options)`` (to inject out-of-memory errors).
    Every call is recorded in ``calls``.
    """

    model_max_tokens = 512
    parallel_batches = 1

    def __init__(self, script: Callable[[str, GenOptions], str | None] | None = None,
                 fail: Callable[[list[str], GenOptions], None] | None = None) -> None:
        self.script = script
        self.fail = fail
        self.calls: list[tuple[list[str], GenOptions]] = []

    def planned_batches(self, calls: int) -> int:
        return self.parallel_batches

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def translate(self, texts: list[str], options: GenOptions, call: Call | None = None,
                  prefixes: list[str] | None = None) -> list[Hypothesis]:
        """A ``prefixes`` row is the prefix, then the words it did not cover."""
        self.calls.append((list(texts), options))
        if self.fail:
            self.fail(texts, options)
        out = []
        for i, text in enumerate(texts):
            english = (self.script(text, options) if self.script else None)
            if english is None:
                english = " ".join(f"w{len(w)}" for w in text.split())
            prefix = prefixes[i] if prefixes else ""
            if prefix:
                english = " ".join([prefix, *english.split()[len(prefix.split()):]])
            out.append(Hypothesis(english, len(english.split())))
        return out

    def info(self) -> dict[str, Any]:
        return {"id": "fake-mt", "revision": "0", "backend": "fake"}


class FakeSummarizer(ModelBase):
    """Summarizes to the first words of each input; a small ``window`` forces chunking."""

    parallel_batches = 1
    call_tokens = 0

    def __init__(self, window: int = 1024, words: int = 8) -> None:
        self._window = window
        self.words = words
        self.inputs: list[str] = []

    def window(self) -> int:
        return self._window

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(t.split()) + 2 for t in texts]

    def summarize(self, texts: list[str], call: Call | None = None) -> list[str]:
        for text in texts:
            if self.count_tokens([text])[0] > self._window:
                raise AssertionError("summarizer input longer than its window")
        self.inputs.extend(texts)
        return [" ".join(t.split()[:self.words]) for t in texts]

    def info(self) -> dict[str, Any]:
        return {"id": "fake-sum", "revision": "0", "backend": "fake"}


class FakeModels(ModelsBase):
    """``Models`` for pipeline tests: the fake translator doubles as the tokenizer; every
    engine created is recorded in ``engines`` (and its config in ``calls``, if given)."""

    def __init__(self, translator: FakeTranslator | None = None,
                 summarizer: FakeSummarizer | None = None,
                 calls: list[JobConfig] | None = None) -> None:
        self.translator = translator or FakeTranslator()
        self.summarizer = summarizer or FakeSummarizer()
        self.calls = calls
        self.engines: list[LocalEngine] = []

    def revisions(self, config: JobConfig) -> dict[Role, str]:
        return {role: "0" for role in config.roles}

    def check(self, config: JobConfig) -> None:
        pass

    def tokenizer(self, config: JobConfig) -> FakeTranslator:
        return self.translator

    def engine(self, config: JobConfig) -> LocalEngine:
        if self.calls is not None:
            self.calls.append(config)
        self.engines.append(LocalEngine(config, self.translator, self.summarizer))
        return self.engines[-1]
