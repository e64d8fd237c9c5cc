#!/usr/bin/env bash
# The test command: installs what the suite needs, then runs it (about 5 minutes on 2 cores).
# torch goes first and pinned: a bare "torch" requirement would pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
$PY -m pip install -q --disable-pip-version-check "torch==2.13.0"
$PY -m pip install -q --disable-pip-version-check -e ".[ct2,ray,eval,test]"
exec $PY -m pytest -q "$@"
