"""The run's models before any weights load, resolved in this process: their revisions (the
skip key), checks before any article is read, the tokenizer for segmenting, and the engine."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ..backends import make_summarizer, make_translator
from ..backends.registry import backend_for
from ..backends.shortlist.locate import load_shortlist
from ..backends.store.hub import ModelSource, resolve_model
from ..backends.store.model_kind import check_kind
from ..backends.store.validate import check_config, check_tokenizer, check_weights
from ..backends.tokenizers.tokenizer import ModelTokenizer
from ..choices import EngineKind
from ..errors import ModelError
from ..vocabulary import Role
from .local import LocalEngine

if TYPE_CHECKING:
    from ..backends.base import Summarizer, Translator
    from ..config import JobConfig

log = logging.getLogger(__name__)


class LocalModels:
    """Models resolved in this process (hub cache or folder); the engine loads them here."""

    def __init__(self) -> None:
        self._sources: dict[tuple[str, str | None], ModelSource] = {}
        self._tokens: dict[Path, ModelTokenizer] = {}
        self._preloaded: Translator | None = None

    def source(self, config: JobConfig, role: Role) -> ModelSource:
        ref, revision = config.model(role)
        if (ref, revision) not in self._sources:
            self._sources[ref, revision] = resolve_model(ref, revision, config.cache_dir,
                                                         config.allow_pickle)
        return self._sources[ref, revision]

    def revisions(self, config: JobConfig) -> dict[Role, str]:
        return {role: self.source(config, role).revision for role in config.roles}

    def check(self, config: JobConfig, roles: tuple[Role, ...] | None = None) -> None:
        """Every model of the run (or of ``roles``) usable, before any article is read."""
        for role in config.roles if roles is None else roles:
            source = self.source(config, role)
            model_config = check_config(source)
            check_kind(role, source.ref, model_config, source.path)
            positions = model_config.get("max_position_embeddings")
            if role == Role.SUMMARY and isinstance(positions, int) \
                    and config.sum_max_length > positions:
                raise ModelError(f"sum_max_length {config.sum_max_length} is longer than "
                                 f"the summarizer {source.ref!r} can write ({positions})")
            check_weights(source)
            check_tokenizer(source, self._tokenizer(source))
            if role == Role.MT and config.shortlist:  # built for another model: exit 2 now
                load_shortlist(config.shortlist, source, self._tokenizer(source))
            log.info("%s model %s: revision %s, folder %s", role, source.ref, source.revision,
                     source.path)

    def _tokenizer(self, source: ModelSource) -> ModelTokenizer:
        if source.path not in self._tokens:
            self._tokens[source.path] = ModelTokenizer(source)
        return self._tokens[source.path]

    def tokenizer(self, config: JobConfig) -> ModelTokenizer:
        return self._tokenizer(self.source(config, Role.MT))

    def preload(self, config: JobConfig) -> None:
        """Start loading the translator now, in the background, when its backend is
        CTranslate2 (the load, with the import of CTranslate2, then overlaps the checks,
        reading and segmenting; a model not yet converted waits for the checks: a broken one
        is never converted). The next :meth:`engine` takes it."""
        if not backend_for(config.backend).preloads or config.engine != EngineKind.LOCAL \
                or self._preloaded is not None:
            return  # (the Ray engine loads its weights on the actors only)
        mt = self.source(config, Role.MT)
        self._preloaded = make_translator(config, mt, self._tokenizer(mt))
        self._preloaded.load_in_background()

    def release(self) -> None:
        """A preloaded translator that no engine took (every article failed to read, say):
        its load finished and dropped before the run returns."""
        if self._preloaded is not None:
            self._preloaded.settle()
            self._preloaded = None

    def engine(self, config: JobConfig) -> LocalEngine:
        """The engine; the summarizer is resolved at its first use, so that translating
        alone (``mtjob translate``, ``Pipeline.translate``) never looks for it."""
        mt = self.source(config, Role.MT)

        def summarizer() -> Summarizer:
            source = self.source(config, Role.SUMMARY)
            return make_summarizer(config, source, self._tokenizer(source))

        translator, self._preloaded = self._preloaded, None
        return LocalEngine(config, translator or make_translator(config, mt, self._tokenizer(mt)),
                           load_summarizer=summarizer)
