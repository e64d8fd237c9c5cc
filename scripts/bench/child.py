"""The bench's child processes: each run measured from outside (wall, CPU, peak RSS, first
output), and the child modes this package runs in a fresh process (``--child``): building the
bench models, and the beam-cache check."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .settings import ARTICLE, EOS_BIAS, FACTOR, FULL, NOEOS, ROOT, log


@dataclass
class Measured:
    """What the parent sees of one child: wall time, CPU time, peak RSS, first output."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    first_output_s: float | None
    returncode: int
    load_before: list[float]
    load_after: list[float]
    started: float = field(repr=False, default=0.0)



def measure(cmd: list[str], env: dict[str, str], log_path: Path, poll_dir: Path | None = None,
            timeout: float = 3600.0, cwd: Path = ROOT) -> Measured:
    """Run ``cmd``; CPU time comes from ``wait4`` (this child only, exact), peak RSS from
    the child's own ``VmHWM`` polled every 50 ms (``wait4``'s ``ru_maxrss`` keeps the
    parent's peak across fork and exec: a bench holding models would report its own), the
    first output from polling ``poll_dir`` for ``*.jsonl``. ``cwd``: another checkout's
    ``python -m mtjob`` must start outside this one, whose ``mtjob/`` would come first."""
    load_before = list(os.getloadavg())
    with log_path.open("wb") as sink:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        first = None
        hwm_kb = 0
        while True:
            hwm_kb = max(hwm_kb, _hwm_kb(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            now = time.monotonic()
            if pid:
                break
            if poll_dir is not None and first is None and any(poll_dir.glob("*.jsonl")):
                first = now - started
            if now - started > timeout:
                log.error("%s: over %.0f s, killed", log_path.stem, timeout)
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                now = time.monotonic()
                break
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        log.error("%s exited with %d:\n%s", " ".join(cmd[:4]), proc.returncode, tail)
    return Measured(wall_s=now - started, cpu_s=usage.ru_utime + usage.ru_stime,
                    peak_rss_mb=(hwm_kb or usage.ru_maxrss) / 1024, first_output_s=first,
                    returncode=proc.returncode, load_before=load_before,
                    load_after=list(os.getloadavg()), started=started)



def timed_run(inbox: Path, out: Path, env: dict[str, str], *, mt: Path, summarizer: Path,
              summary: bool, extra: tuple[str, ...] = (), cwd: Path = ROOT) -> dict[str, Any]:
    """One ``mtjob run`` with the bench's settings (CTranslate2 int8 by ``auto``, beam 4,
    forced 1.3x lengths, abstracts of 58-60 tokens), a fresh process: wall and CPU seconds,
    peak RSS (MB), the run record's stage seconds, the load average around it."""
    cmd = [sys.executable, "-m", "mtjob", "run", str(inbox), "--out", str(out), "--backend",
           "auto", "--beams", "4", "--quantize", "auto", "--max-length-factor", str(FACTOR),
           "--max-length-offset", "0", "--no-retry-degenerate", "--mt-model", str(mt),
           "--sum-model", str(summarizer), "--force", *extra]
    cmd += (["--summary", "--sum-beams", "4", "--sum-min-length", "58", "--sum-max-length",
             "60"] if summary else ["--no-summary"])
    log_path = out.with_name(out.name + ".log")
    m = measure(cmd, env, log_path, cwd=cwd)
    if m.returncode:
        raise SystemExit(f"mtjob run failed: see {log_path}")
    record = json.loads(max((out / "_mtjob" / "runs").glob("*.json")).read_text("utf-8"))
    return {"wall_s": round(m.wall_s, 2), "cpu_s": round(m.cpu_s, 2),
            "peak_rss_mb": round(m.peak_rss_mb * 2**20 / 1e6),
            "stages": record.get("stage_seconds", {}), "load": [m.load_before[0],
                                                                m.load_after[0]]}



def _hwm_kb(pid: int) -> int:
    """The process's peak resident set (``VmHWM``, kB) so far; 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            return next((int(line.split()[1]) for line in status
                         if line.startswith("VmHWM:")), 0)
    except (OSError, ValueError):
        return 0



def child_env(models: Path) -> dict[str, str]:
    """Offline, with the CTranslate2 conversions cached beside the bench models."""
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", MTJOB_CACHE=str(models / "ct2-cache"),
               TOKENIZERS_PARALLELISM="false", PYTHONPATH=str(ROOT))
    return env



def run_child(kind: str, spec: dict[str, Any], work: Path, env: dict[str, str],
              timeout: float = 3600.0) -> tuple[Measured, dict[str, Any]]:
    """Run one of this script's own child modes in a fresh process; returns its result JSON."""
    result = work / f"{spec['name']}.result.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "scripts.bench", "--child", kind,
           "--spec", json.dumps(spec), "--result", str(result)]
    measured = measure(cmd, env, work / f"{spec['name']}.log", timeout=timeout)
    data = json.loads(result.read_text(encoding="utf-8")) if result.is_file() else {}
    return measured, data



def child_prepare(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the full-size models once, the EOS-banned copies, and their CTranslate2 folders."""
    from mtjob.testing.bench_models import build_bench_models

    models = Path(spec["models"])
    out: dict[str, Any] = {}
    full, noeos = models / FULL, models / NOEOS
    if not full.is_dir():
        started = time.monotonic()
        tmp = models / ".full-tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        build_bench_models(tmp)
        os.replace(tmp, full)
        out["build_s"] = time.monotonic() - started
    if not noeos.is_dir():
        tmp = models / ".noeos-tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        for name in ("marian-ar-en", "bart-sum"):
            out[f"eos_banned_{name}"] = ban_eos(full / name, tmp / name)
        os.replace(tmp, noeos)
    out["ct2_convert_s"] = {kind: convert_ct2([noeos / "marian-ar-en", noeos / "bart-sum"], kind)
                            for kind in spec.get("compute_types", ["int8"])}
    return out



def ban_eos(src: Path, dst: Path) -> int:
    """Copy a model folder with ``final_logits_bias[eos]`` set to -1e4; returns the eos id."""
    from safetensors.torch import load_file, save_file

    dst.mkdir(parents=True)
    for item in src.iterdir():
        if item.name != "model.safetensors":
            shutil.copy2(item, dst / item.name)
    eos: int = json.loads((src / "config.json").read_text(encoding="utf-8"))["eos_token_id"]
    weights = load_file(str(src / "model.safetensors"))
    weights["final_logits_bias"][0, eos] = EOS_BIAS
    save_file(weights, str(dst / "model.safetensors"), metadata={"format": "pt"})
    return eos



def convert_ct2(folders: list[Path], compute_type: str) -> dict[str, float]:
    """Convert through mtjob's own cache, so timed runs find the conversion done."""
    from mtjob.backends.ct2 import converted_model
    from mtjob.backends.store.hub import resolve_model
    from mtjob.config import JobConfig

    seconds = {}
    for folder in folders:
        started = time.monotonic()
        # The translator's entry records its alignment layer (as CTranslate2Translator asks).
        layer = JobConfig().alignment_layer if "marian" in folder.name else None
        converted_model(resolve_model(str(folder), None, None, False), compute_type, layer)
        seconds[folder.name] = time.monotonic() - started
    return seconds



def child_beamcache(spec: dict[str, Any]) -> dict[str, Any]:
    """Beam 4 on the full-size Marian (EOS allowed, so beams finish at different steps): the
    token ids with and without mtjob's beam cache, and the seconds spent in ``reorder_cache``
    (cProfile) each way, over the sample's paragraphs in length-sorted batches of 8."""
    import cProfile
    import pstats

    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from mtjob.backends.beam_cache import beam_search_cache

    torch.set_num_threads(spec["threads"])
    folder = spec["mt_full"]
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder).eval()
    texts = sorted((p.strip() for p in ARTICLE.read_text(encoding="utf-8").split("&")
                    if p.strip()), key=len)[:spec["paragraphs"]]
    out: dict[str, Any] = {"paragraphs": len(texts)}
    ids: dict[str, list[Any]] = {}
    for name, shared in (("default cache", False), ("beam cache", True)):
        profile, rows, started = cProfile.Profile(), [], time.monotonic()
        profile.enable()
        with torch.inference_mode():
            for i in range(0, len(texts), 8):
                batch = tok(texts[i:i + 8], return_tensors="pt", padding=True)
                limit = math.ceil(FACTOR * batch["input_ids"].shape[1])
                rows += model.generate(**batch, num_beams=4, max_new_tokens=limit,
                                       **(beam_search_cache(model, 4) if shared else {})
                                       ).tolist()
        profile.disable()
        seconds = time.monotonic() - started
        stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        reorder = max((v[3] for k, v in stats.items() if k[2] == "reorder_cache"),
                      default=0.0)  # the outermost call's cumulative time
        ids[name] = rows
        out[name] = {"seconds": seconds, "reorder_cache_s": reorder}
    out["identical_token_ids"] = ids["default cache"] == ids["beam cache"]
    return out



CHILDREN = {"prepare": child_prepare, "beamcache": child_beamcache}
