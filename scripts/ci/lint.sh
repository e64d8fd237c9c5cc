#!/usr/bin/env bash
# The lint and type gate that scripts/test.sh runs before the suite (so .ci/run runs it too):
# ruff with the rule set of pyproject.toml over the whole tree, then mypy (strict on mtjob/
# and scripts/, every function body checked in tests/). Exits non-zero on the first tool with
# a finding.
#   bash scripts/ci/lint.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
echo "lint: ruff check" >&2
"$PY" -m ruff check --quiet .
echo "lint: mypy (strict on mtjob/ and scripts/, function bodies in tests/)" >&2
"$PY" -m mypy
