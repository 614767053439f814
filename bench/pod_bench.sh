#!/usr/bin/env bash
# Measures podctl against the targets of its performance issue (#12), on its own root, bridge and
# subnet, and prints every target with the figure of this run and whether it was met:
# - the CLI's start: `version`, and `get pods` with one pod;
# - a 3-container busybox pod: `apply` until every container runs, `delete --grace-period 0` until
#   everything is gone (processes, veth, address, cgroups, files);
# - the root's lock: an unrelated `apply` while a `delete` waits out a grace period;
# - exit-to-restart (200 restarts, 1 ms backoff) and log throughput (200 MiB);
# - scale: PODS single-container pods applied one after another (mean apply of the last 50 against
#   the first 50), `get pods` with all of them, host memory per pod (MemAvailable's drop) and a
#   supervisor's private memory, then `delete pods --all --grace-period 0`.
# Also exec, and the memory of one pod's supervisor and pause. Cleans up after itself.
# Usage: [PODCTL=path/to/podctl] [PODS=500] bench/pod_bench.sh [RUNS]   (root; a build in build/;
# PODCTL measures another build, with its podctl-supervisor, -image, -pause and -enter beside it)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
pods=${PODS:-500}
podctl="${PODCTL:-$PWD/build/orchestrator/podctl}"
[ -x "$podctl" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }
root=$(mktemp -d /tmp/podctl-bench-XXXXXX)
rootfs=$(mktemp -d /tmp/podctl-bench-rootfs-XXXXXX)
P() { "$podctl" --root "$root" --bridge pcbench0 --subnet 10.99.0.0/16 --service-cidr 10.100.0.0/16 "$@"; }
cleanup() { P system reset --force >/dev/null 2>&1 || true; rm -rf "$root" "$rootfs"; }
trap cleanup EXIT

scripts/make-busybox-rootfs.sh "$rootfs"
P image import busybox:1.35 "$rootfs" >/dev/null
pod() {  # NAME [CONTAINERS]
  printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n' "$1"
  for c in a b c; do
    printf '  - {name: %s, image: "busybox:1.35", command: ["sleep", "3600"]}\n' "$c"
    [ "${2:-3}" = 1 ] && break
  done
}
# Microseconds, from bash's own clock: no process is started to read it.
now() { REPLY=${EPOCHREALTIME/./}; }
stats() {  # "median min max" of the microseconds on stdin, in ms
  sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "median %.1f ms  min %.1f  max %.1f  (n=%d)", m/1000, v[1]/1000, v[NR]/1000, NR}'
}
median_ms() { sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.2f", m/1000}'; }
# target LABEL FIGURE OP LIMIT UNIT: one line, with "met" or "MISSED".
target() {
  local verdict
  verdict=$(awk -v f="$2" -v l="$4" -v op="$3" 'BEGIN {ok = (op == "<") ? f < l : f >= l; print ok ? "met" : "MISSED"}')
  printf '  %-62s %10s %-4s  (target %s %s %s)\n' "$1" "$2" "$5" "$3" "$4" "$verdict"
}
timed() {  # RUNS COMMAND…: the microseconds of each run, one per line
  local n=$1 i t0; shift
  for ((i = 0; i < n; i++)); do now; t0=$REPLY; "$@" >/dev/null; now; echo $((REPLY - t0)); done
}

echo "podctl $(P version | cut -d' ' -f2), $(nproc) cores, kernel $(uname -r), $runs runs, $pods pods for scale"
P apply -f <(pod warmup) >/dev/null && P delete pod warmup --grace-period 0 >/dev/null

echo "== start of the CLI"
version_t=$(timed "$runs" P version)
P apply -f <(pod one 1) >/dev/null
get_t=$(timed "$runs" P get pods)
P delete pod one --grace-period 0 >/dev/null
target "podctl version (median)" "$(median_ms <<<"$version_t")" "<" 3 ms
target "podctl get pods, 1 pod (median)" "$(median_ms <<<"$get_t")" "<" 3 ms

echo "== a 3-container pod"
apply_t=() delete_t=()
for ((i = 0; i < runs; i++)); do
  now; t0=$REPLY; P apply -f <(pod bench) >/dev/null; now; t1=$REPLY
  P delete pod bench --grace-period 0 >/dev/null; now; t2=$REPLY
  apply_t+=($((t1 - t0))); delete_t+=($((t2 - t1)))
done
echo "  apply:  $(printf '%s\n' "${apply_t[@]}" | stats)"
echo "  delete: $(printf '%s\n' "${delete_t[@]}" | stats)"
target "apply, until every container runs (median)" "$(printf '%s\n' "${apply_t[@]}" | median_ms)" "<" 30 ms
target "delete --grace-period 0, until everything is gone (median)" "$(printf '%s\n' "${delete_t[@]}" | median_ms)" "<" 30 ms

P apply -f <(pod mem) >/dev/null
sleep 0.5
status="$root/pods/default/mem/status.json"
sup=$(cut -d' ' -f1 "$root/pods/default/mem/supervisor.pid")
pause=$(grep -A1 '"pause": {' "$status" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
kb() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/$3"; }
echo "  one pod's memory: supervisor RSS $(kb "$sup" VmRSS status) KiB (PSS $(kb "$sup" Pss smaps_rollup)," \
     "anonymous $(kb "$sup" Anonymous smaps_rollup)), pause RSS $(kb "$pause" VmRSS status) KiB" \
     "(anonymous $(kb "$pause" Anonymous smaps_rollup)); with a single pod, the binaries' pages count as private too"
# exec: the CLI, a sealed memfd copy of podctl-enter, joining the namespaces, the container's
# seccomp filter, and `true`.
echo "  exec -- true, until it exits: $(timed "$runs" P exec mem -c a -- true | stats)"
P delete pod mem --grace-period 0 >/dev/null

echo "== the root's lock"
# A pod whose container ignores SIGTERM, deleted with a 3 s grace period: an unrelated apply
# meanwhile must not wait for it.
cat <<YAML | P apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata:
  name: slow
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - {name: a, image: "busybox:1.35", command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]}
YAML
P delete pod slow >/dev/null &
deleting=$!
sleep 0.5
now; t0=$REPLY; P apply -f <(pod beside 1) >/dev/null; now; t1=$REPLY
wait "$deleting"
P delete pod beside --grace-period 0 >/dev/null
target "apply while a delete waits out a 3 s grace period" "$(awk -v u=$((t1 - t0)) 'BEGIN {printf "%.1f", u/1000}')" "<" 1000 ms

echo "== restarts and logs"
# Exit-to-restart: a container that prints and exits at once, restarted with a 1 ms backoff; the
# gap between consecutive runs is detection + planning + a new container + exec.
restarts=200
cat <<YAML | P apply --restart-backoff 1ms:1ms --log-max-files 1000 -f - >/dev/null
apiVersion: v1
kind: Pod
metadata:
  name: crash
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: a, image: "busybox:1.35", command: ["sh", "-c", "echo run; exit 1"]}
YAML
logs="$root/pods/default/crash/logs/a"
while [ "$(ls "$logs" 2>/dev/null | wc -l)" -le $restarts ]; do sleep 0.2; done
# busybox's date has no %N: the supervisor's CRI timestamps of each run's output line instead
# (nanoseconds; HH:MM:SS.fraction as seconds of the day is exact enough for gaps of milliseconds).
gaps=$(for f in $(ls "$logs" 2>/dev/null | sort -n | head -$((restarts + 1))); do head -1 "$logs/$f" | cut -d' ' -f1; done |
       awk -F'[T:Z]' 'NR > 1 {print int((($2 * 3600 + $3 * 60 + $4) - prev) * 1e6)} {prev = $2 * 3600 + $3 * 60 + $4}')
P delete pod crash --grace-period 0 >/dev/null 2>&1 || true
p99=$(echo "$gaps" | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int(NR*0.99)]/1000}')
echo "  exit to restart: $(echo "$gaps" | stats), p99 $p99 ms"
target "exit to restart (median)" "$(echo "$gaps" | median_ms)" "<" 5 ms

# Log throughput: a container writing 200 MiB of 64-byte lines as fast as it can; the time until
# the pod has Succeeded (every byte read and written into CRI records), and the supervisor's CPU.
# The median of 5. LOG_BEFORE: the figure of the build before #12 on the same machine (this
# script with PODCTL=that build), 266 MiB/s on the 2-core VM of bench/README.md.
rates=() cpus=()
for run in 1 2 3 4 5; do
  cat <<YAML | P apply --log-max-size 1Gi -f - >/dev/null
apiVersion: v1
kind: Pod
metadata:
  name: firehose
spec:
  restartPolicy: Never
  containers:
  - {name: a, image: "busybox:1.35", command: ["sh", "-c", "yes 'a log line of sixty-four bytes, written as fast as it can be.....' | head -c 209715200"]}
YAML
  now; t0=$REPLY
  P wait pod/firehose --for='jsonpath={.status.phase}=Succeeded' --timeout 300 >/dev/null
  now; t1=$REPLY
  sup=$(cut -d' ' -f1 "$root/pods/default/firehose/supervisor.pid")
  ticks=$(awk '{print $14 + $15}' "/proc/$sup/stat")
  ms=$(( (t1 - t0) / 1000 ))
  rates+=($(( 200 * 1000 / (ms > 0 ? ms : 1) ))) cpus+=($(( ticks * 1000 / $(getconf CLK_TCK) * 100 / (ms > 0 ? ms : 1) )))
  P delete pod firehose --grace-period 0 >/dev/null
done
echo "  log throughput: ${rates[*]} MiB/s; supervisor CPU ${cpus[*]}% of one core meanwhile"
target "log throughput (median of 5)" "$(printf "%s\n" "${rates[@]}" | sort -n | sed -n 3p)" ">=" "${LOG_BEFORE:-266}" MiB/s

echo "== $pods single-container pods, one after another"
avail() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }
mem_before=$(avail)
each=()
for ((i = 1; i <= pods; i++)); do
  now; t0=$REPLY; P apply -f <(pod "p$i" 1) >/dev/null; now; each+=($((REPLY - t0)))
done
sleep 2
mem_after=$(avail)
first=$(printf '%s\n' "${each[@]:0:50}" | awk '{s+=$1} END {printf "%.1f", s/NR/1000}')
last=$(printf '%s\n' "${each[@]: -50}" | awk '{s+=$1} END {printf "%.1f", s/NR/1000}')
echo "  apply: mean of the first 50 $first ms, of the last 50 $last ms; all: $(printf '%s\n' "${each[@]}" | stats)"
running=$(P get pods --no-headers | grep -c Running || true)
echo "  $running of $pods Running"
target "mean apply, last 50 against first 50" "$(awk -v a="$last" -v b="$first" 'BEGIN {printf "%.2f", a/b}')" "<" 1.3 x
target "get pods with $pods pods (median)" "$(timed 10 P get pods | median_ms)" "<" 50 ms
per_pod=$(( (mem_before - mem_after) / pods ))
target "host memory per running pod (MemAvailable's drop / $pods)" "$(awk -v k=$per_pod 'BEGIN {printf "%.2f", k/1024}')" "<" 2 MiB
# A supervisor's private memory, now that $pods of them share the binaries' pages: the median of 9.
priv=$(for i in 1 50 100 150 200 250 300 350 400; do
         [ -f "$root/pods/default/p$i/supervisor.pid" ] || continue
         s=$(cut -d' ' -f1 "$root/pods/default/p$i/supervisor.pid")
         echo $(( $(kb "$s" Private_Clean smaps_rollup) + $(kb "$s" Private_Dirty smaps_rollup) ))
       done | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
target "supervisor private memory (Private_Clean + Private_Dirty)" "$(awk -v k="$priv" 'BEGIN {printf "%.2f", k/1024}')" "<" 1 MiB
now; t0=$REPLY
P delete pods --all --grace-period 0 >/dev/null
now; t1=$REPLY
target "delete pods --all --grace-period 0, $pods pods" "$(awk -v u=$((t1 - t0)) 'BEGIN {printf "%.1f", u/1e6}')" "<" 10 s
