#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for the sweep's integration test (docs/sweeps.md).
#   local-slurm.sh start DIR   installs slurm-wlm and munge (Debian/Ubuntu, as root) when absent and
#                              MSENSE_SLURM_INSTALL=1, starts munged
#                              (unless one answers already), slurmctld and slurmd with DIR/slurm.conf and state under
#                              DIR; waits (at most 60 s) until the node is idle. Clients then need SLURM_CONF=DIR/slurm.conf.
#   local-slurm.sh stop DIR    stops the daemons it started (by their pid files).
# Exit status 0: ready; 3: Slurm cannot run here (the reason on the last line of stderr: "cannot: …").
set -uo pipefail
cmd="${1:?start|stop}"
dir="$(mkdir -p "${2:?DIR}" && cd "$2" && pwd)"
cannot() { echo "cannot: $*" >&2; exit 3; }

# stop [munge]: the Slurm daemons started here (and munged, when this script started it and "munge" is given)
stop() {
  local files=("$dir/slurmd.pid" "$dir/slurmctld.pid")
  [ "${1:-}" = munge ] && files+=("$dir/munged.pid")
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$f"
  done
}

if [ "$cmd" = stop ]; then stop munge; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null \
    || ! command -v sbatch >/dev/null; then
  [ "${MSENSE_SLURM_INSTALL:-0}" = 1 ] || cannot "Slurm is not installed (slurm-wlm, munge); MSENSE_SLURM_INSTALL=1 lets this script install them with apt-get, as root"
  [ "$(id -u)" = 0 ] || cannot "Slurm is not installed and installing it needs root (apt-get install slurm-wlm munge)"
  command -v apt-get >/dev/null || cannot "Slurm is not installed and there is no apt-get to install it"
  t0=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends slurm-wlm munge >"$dir/apt.log" 2>&1; then
    apt-get update >>"$dir/apt.log" 2>&1
    apt-get install -y --no-install-recommends slurm-wlm munge >>"$dir/apt.log" 2>&1 \
      || cannot "apt-get install slurm-wlm munge failed: $(tail -3 "$dir/apt.log" | tr '\n' ' ')"
  fi
  echo "installed slurm-wlm and munge in $(( $(date +%s) - t0 )) s" >&2
fi
[ "$(id -u)" = 0 ] || cannot "the daemons of a one-node Slurm need root here (SlurmUser=root)"

# munge: the authentication both daemons and every client use
if ! (munge -n 2>/dev/null | unmunge >/dev/null 2>&1); then
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    chown munge:munge /etc/munge/munge.key 2>/dev/null
    chmod 400 /etc/munge/munge.key
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null
  munged --force >"$dir/munged.out" 2>&1 || cannot "munged does not start: $(tail -2 "$dir/munged.out" | tr '\n' ' ')"
  for _ in $(seq 50); do [ -f /run/munge/munged.pid ] && break; sleep 0.1; done
  cp /run/munge/munged.pid "$dir/munged.pid" 2>/dev/null
  (munge -n | unmunge >/dev/null) 2>/dev/null || cannot "munged started but does not answer"
fi

host="$(hostname -s)"
cpus="$(nproc)"
mem=$(( $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) - 2048 ))
[ "$mem" -gt 512 ] || mem=512
mkdir -p "$dir/state" "$dir/spool" "$dir/log"
cat >"$dir/slurm.conf" <<CONF
ClusterName=msense-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
ReturnToService=2
KillWait=30
MinJobAge=30
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
stop
slurmctld -f "$dir/slurm.conf" -i >"$dir/log/slurmctld.out" 2>&1 \
  || cannot "slurmctld does not start: $(tail -3 "$dir/log/slurmctld.out" "$dir/log/slurmctld.log" 2>/dev/null | tr '\n' ' ')"
slurmd -f "$dir/slurm.conf" >"$dir/log/slurmd.out" 2>&1 \
  || { stop; cannot "slurmd does not start: $(tail -3 "$dir/log/slurmd.out" "$dir/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"; }
for _ in $(seq 120); do
  state="$(sinfo -h -N -o %T 2>/dev/null | head -1)"
  [ "$state" = idle ] && { echo "slurm ready: node $host, $cpus CPUs, SLURM_CONF=$SLURM_CONF" >&2; exit 0; }
  sleep 0.5
done
why="node state '${state:-unknown}'; $(tail -3 "$dir/log/slurmctld.log" 2>/dev/null | tr '\n' ' ')"
stop
cannot "the node did not become idle within 60 s ($why)"
