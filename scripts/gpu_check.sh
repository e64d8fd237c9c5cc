#!/usr/bin/env bash
# The GPU figures in one command, under 8 minutes on one large GPU (an H100: each step has
# its own time limit, 7 min 20 s in all):
# 1. the bench's GPU rows (at most 4 min): the naive loop on the GPU (one article, scaled),
#    mtjob transformers bfloat16 and float16, CTranslate2 float16 (the GPU default) and
#    int8_float16, GPU token budgets (24,000), then CTranslate2 float16 with the summary;
# 2. the quality profile's price (at most 1 min 40 s): tc-big against opus-mt-ar-en,
#    CTranslate2 float16, translation only (python -m scripts.bench.gpu_quality);
# 3. the shortlist (at most 1 min 40 s): transformers bfloat16 with and without it, held-out
#    agreement (python -m scripts.bench.shortlist --device cuda; CTranslate2 refuses a
#    shortlist on a GPU, see docs/shortlist.md).
# Builds the full-size bench models first (CPU, ~1-2 min, counted in step 1) unless
# models/bench has them. The JSON goes to docs/bench/ and, when $OUT is set (the device
# tool's result folder), is copied there too, whatever step failed.
# Usage: scripts/gpu_check.sh [ARTICLES]   (default 24 copies of the sample: 408 paragraphs)
set -euo pipefail
cd "$(dirname "$0")/.."
articles="${1:-24}"
marker="$(mktemp)"
copy_json() {
    if [ -n "${OUT:-}" ]; then
        mkdir -p "$OUT"
        find docs/bench -maxdepth 1 -name '*.json' -newer "$marker" -exec cp {} "$OUT"/ \;
    fi
}
trap copy_json EXIT

if ! python -c "import torch, transformers, ctranslate2, sacrebleu, mtjob" 2>/dev/null; then
    echo "installing mtjob with the ct2 and eval extras" >&2
    python -m pip install -q -e ".[ct2,eval]"
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
timeout 240 python -m scripts.bench --only gpu --files "$articles" --naive-files 1 \
    --threads "$threads" || status=$?
timeout 100 python -m scripts.bench.gpu_quality --articles "$articles" || status=$?
timeout 100 python -m scripts.bench.shortlist --device cuda --transformers --runs 2 \
    --rounds 0 --build 60 --held 10 || status=$?
exit "$status"
