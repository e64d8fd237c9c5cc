#!/usr/bin/env bash
# CI: install Slurm + munge where possible and start the one-machine test cluster, so that
# tests/test_slurm_live.py runs instead of skipping. Where the packages cannot be installed
# (no root, no apt-get, no network) it says why and exits 0: that test then skips.
# Ray needs nothing here: `pip install -e '.[ray]'` (scripts/test.sh) brings it.
set -euo pipefail
cd "$(dirname "$0")/../.."

have_slurm() { command -v sbatch && command -v slurmctld && command -v munged; } >/dev/null

if ! have_slurm; then
  if [[ $(id -u) != 0 ]]; then
    echo "ci/cluster.sh: not root, cannot install slurm-wlm and munge; Slurm tests will skip"
    exit 0
  fi
  if ! command -v apt-get >/dev/null; then
    echo "ci/cluster.sh: no apt-get, cannot install slurm-wlm and munge; Slurm tests will skip"
    exit 0
  fi
  log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq slurm-wlm munge; } >"$log" 2>&1; then
    echo "ci/cluster.sh: apt-get could not install slurm-wlm and munge; Slurm tests will skip:"
    tail -n 5 "$log"
    exit 0
  fi
  rm -f "$log"
fi
bash scripts/slurm/cluster.sh up \
  || echo "ci/cluster.sh: the Slurm cluster did not start; the Slurm tests will skip"
