#!/usr/bin/env bash
# The test command: installs what the suite needs with the pinned set (constraints.txt), then
# runs it, the docs build included (7 to 16 minutes on 2 cores). Run it inside a virtual
# environment (scripts/setup.sh makes one); CI makes a brand-new one for every run (.ci/run).
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
exec "$PY" -m pytest -q "$@"
