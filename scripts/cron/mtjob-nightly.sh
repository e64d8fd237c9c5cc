#!/usr/bin/env bash
# Nightly (or hourly) mtjob run over an inbox folder, for cron.
#
#   mtjob models stage /srv/mtjob/models        # once, with internet: local model folders
#   crontab -e
#   */30 * * * * MTJOB_HOME=/srv/mtjob /srv/mtjob/app/scripts/cron/mtjob-nightly.sh
#
# --quiet keeps warnings, errors and the run's summary line in the dated log.
# Only new or changed articles are translated (source hash + settings); an unchanged inbox
# finishes in about a second without loading a model. Overlapping runs do not collide: mtjob
# holds a lock in OUT/_mtjob/, and a second run exits at once with code 75, which this script
# treats as "still busy, try next time".
set -uo pipefail

MTJOB_HOME=${MTJOB_HOME:-$HOME/mtjob}
VENV=${MTJOB_VENV:-$MTJOB_HOME/venv}
INBOX=${MTJOB_INBOX:-$MTJOB_HOME/inbox}
OUT=${MTJOB_OUT:-$MTJOB_HOME/outputs}
# The profile `mtjob models stage $MTJOB_HOME/models` writes (local model folders: works
# offline); else the CPU profile, whose hub ids must already be in $HF_HOME.
if [[ -f $MTJOB_HOME/models/mtjob.toml ]]; then DEFAULT_CONFIG=$MTJOB_HOME/models/mtjob.toml
else DEFAULT_CONFIG=$MTJOB_HOME/app/configs/cpu.toml; fi
CONFIG=${MTJOB_CONFIG:-$DEFAULT_CONFIG}
LOG_DIR=${MTJOB_LOG_DIR:-$MTJOB_HOME/logs}
# Models pre-staged on local disk (docs/models.md, "Stage, list, check"); never download mid-run.
export HF_HOME=${HF_HOME:-$MTJOB_HOME/hf}
export HF_HUB_OFFLINE=${HF_HUB_OFFLINE:-1}

mkdir -p "$LOG_DIR" "$OUT"
log="$LOG_DIR/mtjob-$(date +%Y%m%d).log"
{
  echo "=== $(date -Is) start"
  "$VENV/bin/mtjob" run "$INBOX" --out "$OUT" --config "$CONFIG" --quiet "$@"
  rc=$?
  case $rc in
    0)  echo "=== $(date -Is) done" ;;
    75) echo "=== $(date -Is) another run holds the lock; skipped"; rc=0 ;;
    66) echo "=== $(date -Is) no article in $INBOX (wrong folder?)" ;;
    1)  echo "=== $(date -Is) some articles failed (see above and $OUT/_mtjob/manifest-*.json)" ;;
    *)  echo "=== $(date -Is) failed with exit code $rc" ;;
  esac
  exit $rc
} >>"$log" 2>&1
