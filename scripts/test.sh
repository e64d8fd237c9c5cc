#!/usr/bin/env bash
# The test command: installs what the suite needs with the pinned set (constraints.txt), then
# gates on lint and types (scripts/ci/lint.sh: ruff and mypy as pyproject.toml configures them)
# and runs the suite, the docs build included (the 20 slowest tests are listed). Run it inside
# a virtual environment (scripts/setup.sh makes one); CI makes a brand-new one for every run
# (.ci/run). Arguments go to pytest.
# torch goes first and pinned: a bare "torch" requirement would pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
quiet_pip() {  # pip notes about configured index folders that do not exist are noise
  "$PY" -m pip install -q --disable-pip-version-check -c constraints.txt "$@" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  return "${PIPESTATUS[0]}"
}
quiet_pip "torch==2.13.0"
quiet_pip -e ".[$(cat scripts/ci/extras.txt)]"
"$PY" scripts/ci/check_pins.py
PYTHON=$PY bash scripts/ci/lint.sh
exec "$PY" -m pytest -q --durations=20 "$@"
