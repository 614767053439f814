#!/usr/bin/env bash
# Measures the daily-use verbs on this machine: port-forward (a 64 MiB download through it against
# the same download straight from the pod's address, and the time to a first answer), how soon
# `get -w` prints a change after it is made, `exec -t` from start to exit, and `top pod`.
# Usage: [PODCTL=path/to/podctl] bench/daily_bench.sh [RUNS]   (needs root and a build in build/)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
podctl="${PODCTL:-$PWD/build/orchestrator/podctl}"
[ -x "$podctl" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }
root=$(mktemp -d /tmp/podctl-dbench-XXXXXX)
rootfs=$(mktemp -d /tmp/podctl-dbench-rootfs-XXXXXX)
P() { "$podctl" --root "$root" --bridge pcdbench0 --subnet 10.96.128.0/24 --service-cidr 10.96.129.0/24 "$@"; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  P system reset --force >/dev/null 2>&1 || true
  rm -rf "$root" "$rootfs"
}
trap cleanup EXIT
scripts/make-busybox-rootfs.sh "$rootfs"
P image import busybox:1.35 "$rootfs" >/dev/null
P apply --wait=60s -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: web
    image: busybox:1.35
    command: [sh, -c, "mkdir -p /www && dd if=/dev/zero of=/www/big bs=1M count=64 2>/dev/null && echo hi > /www/index.html && exec httpd -f -p 8080 -h /www"]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
YAML
ip=$(P get pod web -o jsonpath='{.status.podIP}')
ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
port=18499
P port-forward pod/web "$port:8080" >/dev/null 2>&1 & pids+=($!)
until curl -s --max-time 1 "http://127.0.0.1:$port/" >/dev/null; do sleep 0.05; done

through=() direct=() first=() watch=() term=() top=()
for i in $(seq "$runs"); do
  through+=($(curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$port/big" | cut -d. -f1))
  direct+=($(curl -s -o /dev/null -w '%{speed_download}' "http://$ip:8080/big" | cut -d. -f1))
  first+=($(curl -s -o /dev/null -w '%{time_starttransfer}' "http://127.0.0.1:$port/" | awk '{printf "%d", $1 * 1000000}'))
  # get -w: from a label change (a pod file renamed into place) to the line that shows it.
  out=$(mktemp)
  P get pods -w --watch-only -o name > "$out" 2>/dev/null & w=$!
  sleep 0.5
  t0=$(ms); P apply -f - >/dev/null 2>&1 <<YAML || true
apiVersion: v1
kind: Pod
metadata: {name: extra-$i}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: c, image: busybox:1.35, command: [sleep, "600"]}]
YAML
  until grep -q "pod/extra-$i" "$out"; do sleep 0.005; done
  watch+=($(( $(ms) - t0 )))
  kill "$w"; wait "$w" 2>/dev/null || true; rm -f "$out"
  P delete pod "extra-$i" --now >/dev/null
  t0=$(ms); script -qc "$podctl --root $root exec -it web -- true" /dev/null </dev/null >/dev/null; term+=($(( $(ms) - t0 )))
  t0=$(ms); P top pod >/dev/null; top+=($(( $(ms) - t0 )))
done
mib() { awk '{printf "%.0f", $1 / 1048576}'; }
echo "port-forward, 64 MiB download: median $(printf '%s\n' "${through[@]}" | median | mib) MiB/s (straight to the pod: $(printf '%s\n' "${direct[@]}" | median | mib) MiB/s)"
echo "port-forward, time to the first byte of a small page: median $(printf '%s\n' "${first[@]}" | median | awk '{printf "%.1f", $1 / 1000}') ms"
echo "get -w: from the apply that creates a pod to its line: median $(printf '%s\n' "${watch[@]}" | median) ms (the apply included)"
echo "exec -it -- true (terminal made in the container, sized, relayed): median $(printf '%s\n' "${term[@]}" | median) ms"
echo "top pod (a 500 ms sample): median $(printf '%s\n' "${top[@]}" | median) ms"
