#!/usr/bin/env bash
# From a fresh clone to a checked sample run, offline: a virtual environment in .venv, torch
# first and then mtjob with the pinned set (constraints.txt), the tiny models in models/
# (random weights in the real Hugging Face layout), the job on examples/ into outputs/, and
# `mtjob verify --strict` on the result.
#
#   bash scripts/setup.sh                 # mtjob with CTranslate2 (one machine)
#   EXTRAS=ct2,ray bash scripts/setup.sh  # and Ray, for --engine ray (about 240 MB more)
#
# torch goes first: a bare "torch" requirement pulls a multi-GB CUDA build. For another build
# (CUDA on a GPU machine, or PyTorch's CPU index), install it into .venv first; a torch 2.13.0
# already there is kept. Rerunning the script changes nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
EXTRAS=${EXTRAS:-ct2}

step() { echo "setup: $*"; }
pip_pinned() {  # pip notes about configured index folders that do not exist are noise
  python -m pip install -q --disable-pip-version-check -c constraints.txt "$@" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  return "${PIPESTATUS[0]}"
}

[ -x "$VENV/bin/python" ] || { step "new virtual environment in $VENV"; "$PY" -m venv "$VENV"; }
# shellcheck disable=SC1091
source "$VENV/bin/activate"
step "installing torch, then mtjob[$EXTRAS] with the pinned versions"
pip_pinned "torch==2.13.0"
pip_pinned -e ".[$EXTRAS]"
[ -f models/marian-ar-en/config.json ] && [ -f models/bart-sum/config.json ] \
  || { step "building the tiny models in models/"; python scripts/make_tiny_models.py models; }
step "the sample run: mtjob run examples/ --out outputs/ (tiny models)"
mtjob run examples/ --out outputs/ --mt-model models/marian-ar-en --sum-model models/bart-sum
mtjob verify --strict outputs/
step "done. In a new shell: source $VENV/bin/activate"
