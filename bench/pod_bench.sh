#!/usr/bin/env bash
# Measures podctl on this machine, for a 3-container busybox pod: `apply` until every container
# runs, `delete` (grace 0) until everything is gone, supervisor + pause memory per pod, and 100
# pods started one after another. Uses its own root, bridge and subnet; cleans up after itself.
# Also: exit-to-restart latency over 200 restarts, and log throughput.
# Usage: [PODCTL=path/to/podctl] bench/pod_bench.sh [RUNS]   (needs root and a build in build/;
# PODCTL measures another build, with its podctl-supervisor, -pause and -enter beside it)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
podctl="${PODCTL:-$PWD/build/orchestrator/podctl}"
[ -x "$podctl" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }
root=$(mktemp -d /tmp/podctl-bench-XXXXXX)
rootfs=$(mktemp -d /tmp/podctl-bench-rootfs-XXXXXX)
P() { "$podctl" --root "$root" --bridge pcbench0 --subnet 10.99.0.0/16 "$@"; }
cleanup() { P system reset --force >/dev/null 2>&1 || true; rm -rf "$root" "$rootfs"; }
trap cleanup EXIT

scripts/make-busybox-rootfs.sh "$rootfs"
P image import busybox:1.35 "$rootfs" >/dev/null
pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: a, image: "busybox:1.35", command: ["sleep", "3600"]}
  - {name: b, image: "busybox:1.35", command: ["sleep", "3600"]}
  - {name: c, image: "busybox:1.35", command: ["sleep", "3600"]}
YAML
}
now_us() { echo $(( $(date +%s%N) / 1000 )); }
stats() {  # prints "median min max" of the numbers on stdin, in ms with one decimal
  sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "median %.1f ms  min %.1f ms  max %.1f ms  (n=%d)\n", m/1000, v[1]/1000, v[NR]/1000, NR}'
}

echo "podctl $(P version | cut -d' ' -f2), $(nproc) cores, kernel $(uname -r)"
P apply -f <(pod warmup) >/dev/null && P delete pod warmup --grace-period 0 >/dev/null

apply_t=() delete_t=()
for i in $(seq "$runs"); do
  t0=$(now_us); P apply -f <(pod bench) >/dev/null; t1=$(now_us)
  P delete pod bench --grace-period 0 >/dev/null; t2=$(now_us)
  apply_t+=($((t1 - t0))); delete_t+=($((t2 - t1)))
done
echo "apply, 3 containers, until all run:   $(printf '%s\n' "${apply_t[@]}" | stats)"
echo "delete --grace-period 0, until gone:  $(printf '%s\n' "${delete_t[@]}" | stats)"

P apply -f <(pod mem) >/dev/null
sleep 0.5
status="$root/pods/default/mem/status.json"
sup=$(cut -d' ' -f1 "$root/pods/default/mem/supervisor.pid")
pause=$(grep -A1 '"pause": {' "$status" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
kb() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/$3"; }
rss_s=$(kb "$sup" VmRSS status) rss_p=$(kb "$pause" VmRSS status)
pss_s=$(kb "$sup" Pss smaps_rollup) pss_p=$(kb "$pause" Pss smaps_rollup)
private() { echo $(( $(kb "$1" Private_Clean smaps_rollup) + $(kb "$1" Private_Dirty smaps_rollup) )); }
priv_s=$(private "$sup") priv_p=$(private "$pause")
echo "memory per pod: supervisor RSS ${rss_s} KiB (PSS ${pss_s}, private ${priv_s}), pause RSS ${rss_p} KiB" \
     "(PSS ${pss_p}, private ${priv_p}); together RSS $((rss_s + rss_p)) KiB, private $((priv_s + priv_p)) KiB"
# exec: the CLI, a sealed memfd copy of podctl-enter, joining the namespaces, the container's
# seccomp filter, and `true`.
exec_t=()
for i in $(seq "$runs"); do
  t0=$(now_us); P exec mem -c a -- true; t1=$(now_us)
  exec_t+=($((t1 - t0)))
done
echo "exec -- true, until it exits:         $(printf '%s\n' "${exec_t[@]}" | stats)"
P delete pod mem --grace-period 0 >/dev/null

# Exit-to-restart: a container that prints the time and exits at once, restarted with a 1 ms
# backoff; the gap between consecutive runs is detection + planning + a new container + exec.
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
# busybox's date has no %N: use the supervisor's CRI timestamps of each run's output line instead
# (nanoseconds; HH:MM:SS.fraction as seconds of the day is exact enough for gaps of milliseconds).
gaps=$(for f in $(ls "$logs" 2>/dev/null | sort -n | head -$((restarts + 1))); do head -1 "$logs/$f" | cut -d' ' -f1; done |
       awk -F'[T:Z]' 'NR > 1 {print int((($2 * 3600 + $3 * 60 + $4) - prev) * 1e6)} {prev = $2 * 3600 + $3 * 60 + $4}')
P delete pod crash --grace-period 0 >/dev/null 2>&1 || true
run_us=$( t0=$(now_us); for i in 1 2 3 4 5 6 7 8 9 10; do "$rootfs/bin/sh" -c 'echo run; exit 1' >/dev/null; done; echo $(( ($(now_us) - t0) / 10 )) )
p99=$(echo "$gaps" | sort -n | awk '{v[NR]=$1} END {print v[int(NR*0.99)]/1000}')
echo "exit to restart ($restarts restarts, run to run):  $(echo "$gaps" | stats), p99 ${p99} ms" \
     "(one run of the command itself takes $(( run_us / 1000 )).$(( run_us / 100 % 10 )) ms)"

# Log throughput: a container writing 200 MiB of 64-byte lines as fast as it can; the time until
# the pod has Succeeded (every byte read and written into CRI records), and the supervisor's CPU.
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
t0=$(now_us)
P wait pod/firehose --for='jsonpath={.status.phase}=Succeeded' --timeout 300 >/dev/null
t1=$(now_us)
sup=$(cut -d' ' -f1 "$root/pods/default/firehose/supervisor.pid")
ticks=$(awk '{print $14 + $15}' "/proc/$sup/stat")
cpu_ms=$(( ticks * 1000 / $(getconf CLK_TCK) ))
ms=$(( (t1 - t0) / 1000 ))
echo "log throughput: 200 MiB in ${ms} ms = $(( 200 * 1000 / (ms > 0 ? ms : 1) )) MiB/s; supervisor CPU ${cpu_ms} ms" \
     "($(( cpu_ms * 100 / (ms > 0 ? ms : 1) ))% of one core while it ran)"
P delete pod firehose --grace-period 0 >/dev/null

mem_before=$(free -k | awk '/Mem:/ {print $3}')
t0=$(now_us)
for i in $(seq 100); do P apply -f <(pod "p$i") >/dev/null; done
t1=$(now_us)
sleep 1
mem_after=$(free -k | awk '/Mem:/ {print $3}')
echo "100 pods (300 containers) one after another: $(( (t1 - t0) / 1000 )) ms, $(( (t1 - t0) / 100000 )).$(( (t1 - t0) / 10000 % 10 )) ms per pod"
echo "with 100 pods running: $(P get pods | grep -c Running) Running; host memory used grew by" \
     "$(( (mem_after - mem_before) / 1024 )) MiB, $(( (mem_after - mem_before) / 100 )) KiB per pod (supervisor, pause," \
     "3 busybox containers, overlay mounts and kernel objects together)"
t2=$(now_us)
P delete pods --all --grace-period 0 >/dev/null
t3=$(now_us)
echo "delete 100 pods: $(( (t3 - t2) / 1000 )) ms"
