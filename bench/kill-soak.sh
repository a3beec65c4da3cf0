#!/usr/bin/env bash
# Kill -9 soak of checkpoint and resume: runs one reference to its end, then N runs of the same configuration that
# are killed with SIGKILL at a random moment and resumed (`msense resume DIR`) until they complete, and compares
# every final metrics.csv and spectrum.csv with the reference (the wall_s column aside) and every summary's status.
# Usage: bench/kill-soak.sh [N] [WORKDIR] (defaults 20, a temporary directory); extra run options in SOAK_ARGS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-20}"
work="${2:-$(mktemp -d)}"
args=(--iterations 1500 --log-every 10 --checkpoint-every 50 --no-plots --progress never ${SOAK_ARGS:-})
msense="$root/msense"
strip_wall() { # metrics.csv without its last column (wall_s)
  python3 - "$1" <<'PY' 2>/dev/null || awk -F, 'BEGIN{OFS=","} {NF=NF-1; print}' "$1"
import sys
for line in open(sys.argv[1]):
    print(",".join(line.rstrip("\n").split(",")[:-1]))
PY
}
echo "soak: reference run into $work/reference" >&2
"$msense" run "${args[@]}" --out "$work/reference" >/dev/null 2>&1
same=0; kills=0; resumed=0; restarted=0
for i in $(seq 1 "$n"); do
  dir="$work/run-$i"
  # Killed at a random point of its iterations: once metrics.csv holds a random number of rows between the first
  # checkpoint's and 90% of the reference's.
  rows=$(wc -l < "$work/reference/metrics.csv")
  target=$(python3 -c "import random; print(random.randint(30, int(0.9 * $rows)))")
  "$msense" run "${args[@]}" --out "$dir" >/dev/null 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    [ -f "$dir/metrics.csv" ] && [ "$(wc -l < "$dir/metrics.csv")" -ge "$target" ] && break
    sleep 0.02
  done
  delay="$target rows"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  # A kill before the first checkpoint leaves nothing to resume from: start over, as a user would.
  for attempt in 1 2 3; do
    status=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['status'])" "$dir/summary.json" 2>/dev/null || echo none)
    [ "$status" = completed ] && break
    if [ -d "$dir/checkpoint" ]; then
      resumed=$((resumed + 1))
      "$msense" resume "$dir" --progress never >/dev/null 2>&1 || true
    else
      restarted=$((restarted + 1))
      "$msense" run "${args[@]}" --overwrite --out "$dir" >/dev/null 2>&1 || true
    fi
  done
  status=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['status'])" "$dir/summary.json" 2>/dev/null || echo none)
  if [ "$status" = completed ] && cmp -s <(strip_wall "$dir/metrics.csv") <(strip_wall "$work/reference/metrics.csv") \
     && cmp -s "$dir/spectrum.csv" "$work/reference/spectrum.csv"; then
    same=$((same + 1)); verdict=identical
  else
    verdict="DIFFERENT (status $status)"
  fi
  echo "run $i: killed at $delay of metrics.csv; final $verdict" >&2
done
echo "soak: $kills of $n runs killed with SIGKILL; $resumed resumed from a checkpoint, $restarted started over (killed before their first checkpoint); $same of $n final metrics.csv and spectrum.csv identical to the reference"
[ "$same" -eq "$n" ]
