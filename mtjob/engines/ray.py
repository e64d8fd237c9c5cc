"""The Ray engine: a pool of model actors (one per GPU, or per CPU slot) fed the batches of
all articles of the run. Reading, segmenting (tokenizer only), batching and writing stay in
the driver and run the local code, so outputs are identical to the local engine's."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, MissingExtraError, MtjobError
from ..vocabulary import Role
from .base import BatchOutcome, Progress, SummaryOutcome
from .batching import BatchJob
from .local import LocalEngine
from .resolve import LocalModels

if TYPE_CHECKING:
    from ..config import JobConfig

log = logging.getLogger(__name__)

ACTOR_RESTARTS = 2
TASK_RETRIES = 2


class ModelActor:
    """Loads the models once (lazily) and serves batches; runs the local engine's code."""

    def __init__(self, config: JobConfig) -> None:
        self.engine = LocalEngine(config)
        # The actor serves one call at a time: every thread of its own goes to that call.
        self.engine.translator.parallel = self.engine.summarizer.parallel = False

    def translate(self, job: BatchJob) -> BatchOutcome:
        return self.engine.translate_one(job)

    def summarize(self, paragraphs: list[str]) -> SummaryOutcome:
        return self.engine.summarize_one(paragraphs)

    def provenance(self) -> dict[Role, Any]:
        return self.engine.provenance()

    def placement(self) -> tuple[str, int]:
        """(Ray node id, process id): where this actor runs, for the log and for tests."""
        import ray

        return ray.get_runtime_context().get_node_id(), os.getpid()


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MissingExtraError("--engine ray needs Ray: pip install 'mtjob[ray]'") from None
    return ray


class RayModels(LocalModels):
    """Models resolved and tokenized in the driver; weights load only on the actors."""

    def engine(self, config: JobConfig) -> RayEngine:  # type: ignore[override]
        return RayEngine(config, config.address, config.workers, config.gpus_per_worker)


def refuse_unreachable(address: str | None, timeout: float = 5.0) -> None:
    """Ray retries an unreachable head for minutes: a head that refuses a plain TCP connection
    now is reported at once instead."""
    if not address or address == "auto" or ":" not in address:
        return  # a local Ray, or the cluster Ray finds itself (it fails fast when none)
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"cannot start or reach the Ray cluster at {address}: "
                          f"{reason or type(exc).__name__}") from None


def check_resources(resources: dict[str, float], workers: int, gpus_per_worker: float) -> None:
    """Refuse a pool the cluster can never place, instead of waiting for it forever."""
    cpus, gpus = resources.get("CPU", 0.0), resources.get("GPU", 0.0)
    if gpus_per_worker and workers * gpus_per_worker > gpus:
        raise ConfigError(f"--workers {workers} x --gpus-per-worker {gpus_per_worker:g} needs "
                          f"{workers * gpus_per_worker:g} GPU(s); the Ray cluster has {gpus:g}")
    if workers > cpus:
        raise ConfigError(f"--workers {workers} needs {workers} CPU(s) (one per actor); the "
                          f"Ray cluster has {cpus:g}")


class RayEngine:
    """Translation and summaries on Ray actors."""

    def __init__(self, config: JobConfig, address: str | None, workers: int,
                 gpus_per_worker: float) -> None:
        ray = import_ray()
        from ray.util import ActorPool

        LocalModels().revisions(config)  # a missing model fails at once, before Ray starts
        self.config = config
        self._actors: list[Any] = []
        self._ray = ray
        self._started = not ray.is_initialized()  # ours to shut down, local or connected
        if not ray.is_initialized():
            refuse_unreachable(address)
            try:
                ray.init(address=address, include_dashboard=False,
                         logging_level=logging.WARNING, log_to_driver=False)
            except Exception as exc:  # ConnectionError, or Ray's own for a bad address
                where = f"the Ray cluster at {address}" if address else "a local Ray"
                raise ConfigError(f"cannot start or reach {where}: {type(exc).__name__}: "
                                  f"{str(exc).splitlines()[0] if str(exc) else ''}") from None
        try:
            check_resources(ray.cluster_resources(), workers, gpus_per_worker)
            # One CPU thread per actor unless told otherwise: actors share the machine's cores.
            actor_config = replace(config, threads=config.threads or 1) \
                if not gpus_per_worker else config
            # A dead actor (node lost, OOM kill) is restarted and its batches rerun, not lost;
            # SPREAD puts actors on different nodes, so one lost node costs one actor.
            remote = ray.remote(num_cpus=1, num_gpus=gpus_per_worker,
                                max_restarts=ACTOR_RESTARTS,
                                max_task_retries=TASK_RETRIES)(ModelActor)
            self._actors = [remote.options(scheduling_strategy="SPREAD").remote(actor_config)
                            for _ in range(workers)]
            self._pool = ActorPool(self._actors)
            #: (node id, pid) of each actor at start-up.
            self.placement: list[tuple[str, int]] = self._get(
                [actor.placement.remote() for actor in self._actors], config.actor_start_timeout)
        except BaseException:
            self.close()
            raise
        log.info("ray engine: %d actor(s) on %d node(s) [%s], %s GPU(s) each",
                 len(self._actors), len({node for node, _ in self.placement}),
                 ", ".join(f"pid {pid} on {node[:8]}" for node, pid in self.placement),
                 gpus_per_worker)

    def planned_workers(self, calls: int) -> int:
        """Each actor runs one call at a time."""
        return max(1, min(calls, len(self._actors)))

    def translate_batches(self, jobs: list[BatchJob],
                          progress: Progress | None = None) -> list[BatchOutcome]:
        out: list[BatchOutcome] = []
        with self._errors():
            results = self._pool.map(lambda actor, job: actor.translate.remote(job), jobs)
            for job, result in zip(jobs, results, strict=True):
                out.append(result)
                if progress:
                    progress(len(job.texts))
        return out

    def summarize(self, documents: list[list[str]],
                  progress: Progress | None = None) -> list[SummaryOutcome]:
        out = []
        with self._errors():
            for outcome in self._pool.map(lambda actor, doc: actor.summarize.remote(doc),
                                          documents):
                out.append(outcome)
                if progress:
                    progress(1)
        return out

    def provenance(self) -> dict[Role, Any]:
        found: dict[Role, Any] = self._get(self._actors[0].provenance.remote())
        return found

    def _get(self, refs: Any, timeout: float | None = None) -> Any:
        with self._errors():
            try:
                return self._ray.get(refs, timeout=timeout)
            except self._ray.exceptions.GetTimeoutError:
                raise ConfigError(f"the Ray model actors did not start within {timeout:g} s "
                                  f"(cluster resources: {self._ray.available_resources()}); "
                                  "raise actor_start_timeout or ask for less") from None

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """An actor's error as mtjob's own (a model error stays exit 2), not Ray's wrapping."""
        errors = self._ray.exceptions
        try:
            yield
        except (errors.RayTaskError, errors.RayActorError) as exc:
            cause = getattr(exc, "cause", None) or exc
            if isinstance(cause, MtjobError):
                raise cause from None
            raise MtjobError(f"a Ray model actor failed: {type(cause).__name__}: "
                             f"{str(cause).splitlines()[0] if str(cause) else ''}") from None

    def close(self) -> None:
        actors, self._actors = self._actors, []
        try:
            for actor in actors:
                try:
                    self._ray.kill(actor)
                except Exception:  # already dead: nothing to free
                    pass
        finally:
            if self._started:
                self._ray.shutdown()
