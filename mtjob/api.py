"""The Python API: translate strings, or run the whole job over files, models loaded once.

    import mtjob

    english = mtjob.translate(["قال المتحدث إن المحادثات ستستمر غدا."], beams=2)
    report = mtjob.run(["inbox/"], "outputs", mt_model="/models/opus-mt-ar-en")

Settings are named as in ``JobConfig`` (and the TOML files): ``mt_model=``, ``beams=``,
``backend=``... A ``Pipeline`` keeps its models between calls; the module functions keep one
``Pipeline`` per distinct configuration for the life of the process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .choices import EngineKind, LangCheck
from .config import FIELDS, JobConfig, load_config
from .errors import ConfigError, MtjobError
from .vocabulary import Role

if TYPE_CHECKING:
    from .engines.local import LocalEngine
    from .inputs.reader import Article
    from .memory.reader import MemoryReader
    from .records import ParagraphRecord
    from .runs.report import RunReport
    from .text.segment import Segment

log = logging.getLogger(__name__)

__all__ = ["Pipeline", "final_english", "make_config", "pipeline", "run", "translate"]

PathLike = str | Path


def make_config(config_file: PathLike | None = None, **settings: Any) -> JobConfig:
    """A validated ``JobConfig``: defaults, then ``config_file`` (TOML), then ``settings``.
    Unknown names raise ``ConfigError`` naming them all."""
    unknown = sorted(set(settings) - set(FIELDS))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)} (settings are the "
                          f"JobConfig field names, e.g. mt_model, beams, backend)")
    return load_config(Path(config_file) if config_file is not None else None, settings)


class Pipeline:
    """The models of one configuration, loaded on first use and kept between calls.

    Not safe to call from several threads at once (a model call already uses every core).
    """

    def __init__(self, config: JobConfig | None = None, *,
                 config_file: PathLike | None = None, **settings: Any) -> None:
        from .engines.resolve import LocalModels

        if config is not None and (settings or config_file is not None):
            raise ConfigError("give either a JobConfig or settings, not both")
        self.config = config if config is not None else make_config(config_file, **settings)
        self._models = LocalModels()
        self._engine: LocalEngine | None = None
        self._checked = False
        self._memory: MemoryReader | None = None

    @property
    def engine(self) -> LocalEngine:
        """The in-process engine; its weights load at the first model call."""
        if self._engine is None:
            self._engine = self._models.engine(self.config)
        return self._engine

    def translate(self, texts: Sequence[str]) -> list[str]:
        """English for each Arabic text, in order. A text is one paragraph and may hold
        several sentences: it is segmented as the job segments an article's paragraph.
        Only the translation model is resolved and loaded, never the summarizer."""
        return [record.en for record in self.translate_records(texts)]

    def translate_records(self, texts: Sequence[str],
                          doc_id: str = "translate") -> list[ParagraphRecord]:
        """One paragraph record per text, as in the JSONL output (sentences, scores, flags);
        an empty text gives a record with no sentence and empty English."""
        from .inputs.reader import Article, Paragraph
        from .inputs.textinput import clean_line
        from .records import build_records
        from .text.segment import segment_article
        from .translation import translate_segments

        paragraphs = tuple(Paragraph(text=clean_line(t, line, "translate(): text").strip(),
                                     line=line)
                           for line, t in enumerate(_checked_texts(texts), 1))
        if not paragraphs:
            return []
        if not self._checked:  # a wrong or broken model fails here, before any work
            self._models.check(self.config, (Role.MT,))
            self._checked = True
        if self.config.memory and self._memory is None:  # opened once, its index built once
            from .memory.reader import MemoryReader

            self._memory = MemoryReader(self.config.memory)
        article = Article(path=Path("<translate>"), doc_id=doc_id, sha256="", text="",
                          paragraphs=paragraphs)
        segments = segment_article(0, article, self._models.tokenizer(self.config),
                                   self.config)
        _check_languages(article, segments, self.config)
        errors = translate_segments(segments, self.engine, self.config, memory=self._memory)
        if errors:
            raise MtjobError(next(iter(errors.values())))
        return build_records(doc_id=doc_id, paragraphs=[p.text for p in paragraphs],
                             segments=segments)

    def run(self, inputs: PathLike | Iterable[PathLike], out: PathLike, *, rank: int = 0,
            world_size: int = 1, force: bool = False, wait_lock: float = 0.0,
            metrics_file: PathLike | None = None) -> RunReport:
        """``mtjob run``: translate and summarize ``inputs`` (files and/or folders) into
        ``out``; finished articles are skipped. Per-article failures are in the report
        (``report.failed``), never raised. The run is recorded as the CLI's are: in
        ``OUT/_mtjob/runs/``, and in ``metrics_file`` (Prometheus textfile) when given."""
        from .engines.kept import KeptModels
        from .job import run_shard

        paths = [Path(inputs)] if isinstance(inputs, (str, Path)) else [Path(p) for p in inputs]
        kept = KeptModels(self._models, lambda: self.engine)  # loaded once, for every call
        return run_shard(self.config, paths, Path(out), rank=rank, world_size=world_size,
                         force=force, wait_lock=wait_lock,
                         models=None if self.config.engine == EngineKind.RAY else kept,
                         metrics=None if metrics_file is None else Path(metrics_file))

    def close(self) -> None:
        """Free the models (they load again if the pipeline is used after this)."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        if self._memory is not None:
            self._memory.close()
            self._memory = None


def _check_languages(article: Article, segments: list[Segment], config: JobConfig) -> None:
    """As ``mtjob run`` checks an article's paragraphs: a text confidently in another
    language is flagged ``lang`` and copied as it is, not decoded into fluent nonsense (a
    warning names it); ``lang_check = "off"`` skips the check."""
    from .text.langid import LANG, check_languages, load_identifier

    identifier = load_identifier() if config.lang_check == LangCheck.ON else None
    if identifier is None:
        return
    check_languages([article], segments, identifier)
    for para in sorted({s.para for s in segments if LANG in s.flags}):
        copied = [s for s in segments if s.para == para and s.text]
        whole = all(LANG in s.flags for s in copied)
        text = article.paragraphs[para].text if whole else " ".join(
            s.text for s in copied if LANG in s.flags)  # of a paragraph that mixes languages
        log.warning("not Arabic, so copied as it is (flag lang; lang_check off translates "
                    "it): %r", text if len(text) <= 60 else text[:59] + "\u2026")


def _checked_texts(texts: Sequence[str]) -> list[str]:
    """The texts, if ``texts`` is an ordered collection of ``str`` that UTF-8 can hold; else
    a ``TypeError`` (naming the item's position and type) or ``ValueError``. Never ``str()``
    of something else: ``None`` is not the text "None"."""
    if isinstance(texts, (str, bytes, bytearray, Mapping, AbstractSet)) or not isinstance(
            texts, Iterable):
        raise TypeError("translate() takes a list of strings, not "
                        f"{'one string' if isinstance(texts, str) else type(texts).__name__}")
    items = list(texts)
    for position, text in enumerate(items):
        if not isinstance(text, str):
            raise TypeError(f"translate(): item {position} is {type(text).__name__}, not str")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"translate(): item {position} is not valid Unicode text (a lone "
                             f"surrogate {text[exc.start]!r} at character {exc.start})") from None
    return items


_pipelines: dict[JobConfig, Pipeline] = {}
_lock = threading.Lock()


def pipeline(config_file: PathLike | None = None, **settings: Any) -> Pipeline:
    """The process's ``Pipeline`` for these settings, created on first use."""
    config = make_config(config_file, **settings)
    with _lock:
        if config not in _pipelines:
            _pipelines[config] = Pipeline(config)
        return _pipelines[config]


def translate(texts: Sequence[str], *, config_file: PathLike | None = None,
              **settings: Any) -> list[str]:
    """English for each Arabic text (one paragraph each), with the models of ``settings``
    (``JobConfig`` names: ``mt_model=``, ``beams=``...), loaded once per process."""
    return pipeline(config_file, **settings).translate(texts)


def run(inputs: PathLike | Iterable[PathLike], out: PathLike, *, force: bool = False,
        rank: int = 0, world_size: int = 1, config_file: PathLike | None = None,
        metrics_file: PathLike | None = None, **settings: Any) -> RunReport:
    """Run the job over ``inputs`` into ``out`` as ``mtjob run`` does (its run record, and
    its metrics in ``metrics_file`` when given); returns its report."""
    return pipeline(config_file, **settings).run(inputs, out, rank=rank,
                                                 world_size=world_size, force=force,
                                                 metrics_file=metrics_file)


def final_english(out: PathLike, doc_id: str) -> list[str]:
    """An article's English paragraphs as a reader should get them: a person's post-edit
    (``mtjob import``) in place of each sentence they corrected, the machine's elsewhere."""
    from .outfolder.machine import corrected_paragraphs
    from .outfolder.paths import jsonl_path

    path = jsonl_path(Path(out), doc_id)
    try:
        return corrected_paragraphs(path.read_bytes(), str(path))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
