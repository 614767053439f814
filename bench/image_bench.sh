#!/usr/bin/env bash
# Measures images: pulling a multi-layer image from a local registry (Debian's docker-registry on
# loopback) against `skopeo copy` of the same image in the same run (time and disk), and the
# start time of a container on a 5-layer image against a 1-layer one (overlay stacks layers, so
# they should be equal). Uses its own root, bridge, subnet and registry; cleans up after itself.
# Usage: bench/image_bench.sh [RUNS]   (needs root, a build in build/, docker-registry, skopeo, umoci)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
podctl="$PWD/build/orchestrator/podctl"
[ -x "$podctl" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }
work=$(mktemp -d /tmp/podctl-image-bench-XXXXXX)
port=5391
P() { "$podctl" --root "$work/root" --bridge pcibench0 --subnet 10.98.0.0/24 "$@"; }
registry_pid=
cleanup() {
  P system reset --force >/dev/null 2>&1 || true
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null; wait "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
now_us() { echo $(( $(date +%s%N) / 1000 )); }
stats() {
  sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "median %.1f ms  min %.1f ms  max %.1f ms  (n=%d)\n", m/1000, v[1]/1000, v[NR]/1000, NR}'
}

# Images: "one" is busybox in one layer; "five" is busybox plus four layers of 8 MB of random data.
scripts/make-busybox-rootfs.sh "$work/busybox" >/dev/null
layout="$work/layout"
umoci init --layout "$layout" && umoci new --image "$layout:one"
umoci unpack --image "$layout:one" "$work/b" >/dev/null && cp -a "$work/busybox/." "$work/b/rootfs/"
umoci repack --image "$layout:one" "$work/b" && rm -rf "$work/b"
umoci config --image "$layout:one" --config.cmd sleep --config.cmd 3600
skopeo copy --quiet "oci:$layout:one" "oci:$layout:five"
for i in 1 2 3 4; do
  umoci unpack --image "$layout:five" "$work/b" >/dev/null
  head -c 8M /dev/urandom > "$work/b/rootfs/data-$i"
  umoci repack --image "$layout:five" "$work/b" && rm -rf "$work/b"
done

cat > "$work/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.1; done
for tag in one five; do skopeo copy --quiet --dest-tls-verify=false "oci:$layout:$tag" "docker://127.0.0.1:$port/bench/app:$tag"; done
export PODCTL_INSECURE_REGISTRIES=127.0.0.1:$port

echo "podctl $(P version | cut -d' ' -f2), $(nproc) cores, kernel $(uname -r)"
t0=$(now_us); P image pull "127.0.0.1:$port/bench/app:five" >/dev/null; t1=$(now_us)
t2=$(now_us); skopeo copy --quiet --src-tls-verify=false "docker://127.0.0.1:$port/bench/app:five" "oci:$work/skopeo:five"; t3=$(now_us)
echo "pull of a 5-layer image ($(du -sm "$work/registry" | cut -f1) MB in the registry):"
printf "  podctl image pull: %6.0f ms, %s MB on disk (blobs and unpacked layers)\n" "$(( (t1 - t0) / 1000 ))" "$(du -sm "$work/root/images" | cut -f1)"
printf "  skopeo copy:       %6.0f ms, %s MB on disk (blobs only)\n" "$(( (t3 - t2) / 1000 ))" "$(du -sm "$work/skopeo" | cut -f1)"
P image pull "127.0.0.1:$port/bench/app:one" >/dev/null

pod() {
  printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - {name: a, image: "127.0.0.1:%s/bench/app:%s"}\n' "$1" "$port" "$2"
}
for tag in one five; do
  P apply -f <(pod warm "$tag") >/dev/null && P delete pod warm --grace-period 0 >/dev/null
  times=()
  for _ in $(seq "$runs"); do
    s=$(now_us); P apply -f <(pod start "$tag") >/dev/null; e=$(now_us)
    P delete pod start --grace-period 0 >/dev/null
    times+=($((e - s)))
  done
  echo "apply until running, $tag-layer image: $(printf '%s\n' "${times[@]}" | stats)" | sed 's/one-layer/1-layer/; s/five-layer/5-layer/'
done
