#!/usr/bin/env bash
# The bench's GPU rows in one command, under 8 minutes on one large GPU: the naive loop on
# the GPU (one article, scaled), mtjob transformers bfloat16 and float16, CTranslate2 float16
# and int8_float16, all with GPU token budgets (24,000), then CTranslate2 with the summary
# (at most 5 min); then the quality profile's price on the GPU: mtjob run (CTranslate2
# float16, translation only) with the full-size tc-big against opus-mt-ar-en on the same
# articles (at most 2 min 20 s). Builds the full-size bench models first (CPU, ~1-2 min)
# unless models/bench has them; the tc-big one (python -m scripts.bench.prepare_big) counts
# in the second budget. JSON into docs/bench/ (bench-<time>.json, gpu-quality-<time>.json).
# Usage: scripts/gpu_check.sh [ARTICLES]   (default 48 copies of the sample: 816 paragraphs)
set -euo pipefail
cd "$(dirname "$0")/.."
articles="${1:-48}"

if ! python -c "import torch, transformers, ctranslate2, mtjob" 2>/dev/null; then
    echo "installing mtjob with the ct2 extra" >&2
    python -m pip install -q -e ".[ct2]"
fi
python - <<'PY' >&2
import ctranslate2, torch
print("torch", torch.__version__, "cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-")
print("ctranslate2", ctranslate2.__version__, "GPUs", ctranslate2.get_cuda_device_count(),
      "int8_float16" in ctranslate2.get_supported_compute_types("cuda")
      if ctranslate2.get_cuda_device_count() else "-")
PY
threads="$(nproc)"
status=0
timeout 300 python -m scripts.bench --only gpu --files "$articles" --naive-files 1 \
    --threads "$threads" || status=$?
timeout 140 python -m scripts.bench.gpu_quality --articles "$articles" || status=$?
exit "$status"
