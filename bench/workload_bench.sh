#!/usr/bin/env bash
# Measures the workload controllers on this machine: a 3-replica Deployment behind a Service
# applied until rolled out, a rolling update, a scale to 6 until the Service has 6 endpoints, and
# what the controller processes cost (memory, and CPU while nothing changes).
# Usage: [PODCTL=path/to/podctl] bench/workload_bench.sh [RUNS]   (needs root and a build in build/)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
podctl="${PODCTL:-$PWD/build/orchestrator/podctl}"
[ -x "$podctl" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }
root=$(mktemp -d /tmp/podctl-wbench-XXXXXX)
rootfs=$(mktemp -d /tmp/podctl-wbench-rootfs-XXXXXX)
P() { "$podctl" --root "$root" --bridge pcwbench0 --subnet 10.98.0.0/16 --service-cidr 10.97.0.0/16 "$@"; }
cleanup() { P system reset --force >/dev/null 2>&1 || true; rm -rf "$root" "$rootfs"; }
trap cleanup EXIT
scripts/make-busybox-rootfs.sh "$rootfs"
P image import busybox:1.35 "$rootfs" >/dev/null

manifest() {  # $1: a version string in the template
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: web
        image: busybox:1.35
        env: [{name: VERSION, value: "$1"}]
        command: ["httpd", "-f", "-p", "8080", "-h", "/"]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
YAML
}
ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
endpoints() { python3 -c 'import json,sys; print(sum(len(p["endpoints"]) for p in json.load(open(sys.argv[1]))["ports"]))' "$root/controllers/services/default/web/rules.json" 2>/dev/null || echo 0; }

up=() roll=() scale=()
for i in $(seq "$runs"); do
  t0=$(ms); manifest v1 | P apply -f - --wait=120s >/dev/null; up+=($(( $(ms) - t0 )))
  t0=$(ms); manifest v2 | P apply -f - --wait=120s >/dev/null; roll+=($(( $(ms) - t0 )))
  t0=$(ms); P scale deploy/web --replicas=6 >/dev/null
  until [ "$(endpoints)" = 6 ]; do sleep 0.02; done; scale+=($(( $(ms) - t0 )))
  if [ "$i" = "$runs" ]; then break; fi
  P delete deploy/web --grace-period 0 >/dev/null; P delete svc/web >/dev/null
done
echo "deployment of 3 (apply until rolled out, readiness period 1s): median $(printf '%s\n' "${up[@]}" | median) ms"
echo "rolling update of 3 (maxSurge 1, maxUnavailable 0): median $(printf '%s\n' "${roll[@]}" | median) ms"
echo "scale 3 -> 6 until the Service has 6 endpoints: median $(printf '%s\n' "${scale[@]}" | median) ms"

# The controllers now running: the Deployment's, its ReplicaSets' and the Service's.
pids=$(cat "$root"/controllers/*/*/*/controller.pid 2>/dev/null | awk '{print $1}')
n=0 rss=0 private=0 ticks0=0
for pid in $pids; do
  [ -r /proc/$pid/smaps_rollup ] || continue
  n=$((n + 1))
  rss=$((rss + $(awk '/^Rss:/ {print $2}' /proc/$pid/smaps_rollup)))
  private=$((private + $(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' /proc/$pid/smaps_rollup)))
  ticks0=$((ticks0 + $(awk '{print $14 + $15}' /proc/$pid/stat)))
done
sleep 10
ticks1=0
for pid in $pids; do [ -r /proc/$pid/stat ] && ticks1=$((ticks1 + $(awk '{print $14 + $15}' /proc/$pid/stat))); done
hz=$(getconf CLK_TCK)
echo "controller processes: $n; per process RSS $((rss / n)) KiB, private $((private / n)) KiB"
echo "controllers' CPU while idle (10 s, 6 pods): $(( (ticks1 - ticks0) * 1000 / hz / 10 )) ms per second in all"
