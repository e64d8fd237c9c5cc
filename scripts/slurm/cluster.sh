#!/usr/bin/env bash
# A one-machine Slurm cluster (slurmctld + slurmd on localhost) for tests and trying the
# array template. Needs root and Debian's slurm-wlm + munge; no systemd.
#
#   scripts/slurm/cluster.sh up|down|status
#   export SLURM_CONF=/tmp/mtjob-slurm/slurm.conf   # then sbatch, squeue, sinfo, scontrol
#
# The config lives in MTJOB_SLURM_DIR (default /tmp/mtjob-slurm), never in /etc/slurm, so a
# real site config is left alone. `up` on a running cluster does nothing.
set -euo pipefail

DIR=${MTJOB_SLURM_DIR:-/tmp/mtjob-slurm}
CTLD_PORT=${MTJOB_SLURMCTLD_PORT:-6817}
SLURMD_PORT=${MTJOB_SLURMD_PORT:-6818}
NODE=$(hostname -s)
export SLURM_CONF=$DIR/slurm.conf

alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
is_up() { alive "$DIR/slurmctld.pid" && alive "$DIR/slurmd.pid"; }
node_state() { timeout 5 sinfo -h -n "$NODE" -o %T 2>/dev/null | head -1; }

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi
  [[ -s /etc/munge/munge.key ]] || mungekey -c
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  chmod 400 /etc/munge/munge.key
  runuser -u munge -- /usr/sbin/munged --force
  touch "$DIR/munged.ours"  # `down` stops only a munged that `up` started
  for _ in $(seq 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "munge does not work (munge -n | unmunge)" >&2
  exit 1
}

write_conf() {
  mkdir -p "$DIR/state" "$DIR/spool"
  cat > "$SLURM_CONF" <<EOF
ClusterName=mtjob
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
# No cgroups in containers; 22.05 refuses to start slurmd with a cgroup.conf that disables them.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobRequeue=1
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

up() {
  if ! command -v slurmctld >/dev/null; then
    echo "slurmctld not found: apt-get install slurm-wlm munge" >&2
    exit 1
  fi
  mkdir -p "$DIR"
  if is_up; then
    echo "slurm: already up (SLURM_CONF=$SLURM_CONF)"
    return
  fi
  stop_daemons
  start_munge
  write_conf
  slurmctld -c -f "$SLURM_CONF"  # -c: a test cluster starts without old jobs
  slurmd -f "$SLURM_CONF" -N "$NODE"
  for _ in $(seq 150); do
    case $(node_state) in
      idle*|mixed*|allocated*) echo "slurm: up (SLURM_CONF=$SLURM_CONF)"; return ;;
      down*|drain*) scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.2
  done
  echo "slurm: the node did not become idle; logs in $DIR" >&2
  tail -n 5 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
  exit 1
}

stop_pidfile() {
  local pid
  alive "$1" || { rm -f "$1"; return 0; }
  pid=$(cat "$1")
  kill "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}

stop_daemons() {
  if alive "$DIR/slurmctld.pid"; then
    timeout 10 scancel --user "$(id -un)" 2>/dev/null || true  # no job outlives its cluster
  fi
  stop_pidfile "$DIR/slurmd.pid"
  stop_pidfile "$DIR/slurmctld.pid"
}

down() {
  stop_daemons
  if [[ -e $DIR/munged.ours ]]; then
    stop_pidfile /run/munge/munged.pid
    rm -f "$DIR/munged.ours"
  fi
  echo "slurm: down"
}

status() {
  if is_up; then
    echo "slurm: up, node $NODE $(node_state) (SLURM_CONF=$SLURM_CONF)"
  else
    echo "slurm: down"
    return 1
  fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
