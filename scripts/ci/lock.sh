#!/usr/bin/env bash
# Writes constraints.txt: the pinned set that scripts/setup.sh, scripts/test.sh and
# .ci/run install with. It resolves the newest releases that pyproject.toml's ranges allow,
# in a brand-new virtual environment (nothing the machine already holds can leak in), with
# every extra the package, the tests and the benchmarks import, then freezes that.
# Run scripts/ci/latest.sh first: it runs the suite on that newer set and says what moved.
#   bash scripts/ci/lock.sh            # rewrite constraints.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
EXTRAS=$(cat scripts/ci/extras.txt)
venv=$(mktemp -d)/venv
trap 'rm -rf "$(dirname "$venv")"' EXIT
$PY -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "torch==2.13.0"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".[$EXTRAS]"
{
  echo "# The pinned set for mtjob's set-up, tests and CI: pip install -c constraints.txt ..."
  echo "# Written by scripts/ci/lock.sh from a fresh resolve on $(date -u +%F) (Python $("$venv/bin/python" -c 'import platform; print(platform.python_version())'));"
  echo "# pyproject.toml keeps the >= ranges for installing mtjob into your own environment."
  echo "# Before raising a pin: bash scripts/ci/latest.sh (the suite on the newest releases)."
  "$venv/bin/python" -m pip freeze --exclude-editable --disable-pip-version-check \
    | grep -v -i '^mtjob' | sed 's/^torch==\([0-9.]*\)+cpu$/torch==\1/'
} > constraints.txt
echo "lock.sh: wrote constraints.txt ($(grep -vc '^#' constraints.txt) packages)"
