#!/usr/bin/env bash
# The unpinned check (not part of CI's gate): resolves the NEWEST releases that pyproject.toml's
# ranges allow in a brand-new virtual environment, runs the suite there, and prints which
# packages moved against constraints.txt and which tests changed outcome against a run of the
# pinned set. Run it before raising a pin; if it is clean, bash scripts/ci/lock.sh re-pins.
#   bash scripts/ci/latest.sh [pytest args...]
# The pinned run's outcomes come from $PINNED_JUNIT (a junit XML of `bash scripts/test.sh
# --junitxml=FILE`) when set, else a second fresh environment runs the pinned suite first.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip_quiet() { "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; }

if [ -z "${PINNED_JUNIT:-}" ]; then
  echo "latest.sh: the pinned suite, in a fresh environment"
  $PY -m venv "$work/pinned"
  PYTHON="$work/pinned/bin/python" bash scripts/test.sh -p no:cacheprovider \
    --junitxml="$work/pinned.xml" "$@" > "$work/pinned.log" 2>&1 || true
  tail -n 1 "$work/pinned.log"
  PINNED_JUNIT=$work/pinned.xml
fi

echo "latest.sh: the newest releases, in a fresh environment"
$PY -m venv "$work/latest"
pip_quiet "$work/latest/bin/python" -m pip install -q --disable-pip-version-check "torch==2.13.0"
pip_quiet "$work/latest/bin/python" -m pip install -q --disable-pip-version-check --upgrade \
  -e ".[$(cat scripts/ci/extras.txt)]"
"$work/latest/bin/python" -m pip freeze --exclude-editable --disable-pip-version-check \
  2>/dev/null > "$work/latest.txt"
status=0
"$work/latest/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$work/latest.xml" "$@" \
  > "$work/latest.log" 2>&1 || status=$?
tail -n 1 "$work/latest.log"
"$work/latest/bin/python" scripts/ci/compare_runs.py constraints.txt "$work/latest.txt" \
  "$PINNED_JUNIT" "$work/latest.xml"
exit "$status"
