#!/usr/bin/env bash
# The same 3-container busybox pod under podctl and under podman (Debian's, installed when
# missing), alternated in one run so that both see the same machine: podctl `apply` against
# `podman kube play`, and `delete --grace-period 0` against `podman pod rm -f -t 0`, each until it
# returns, with the ratio of every pair and of the medians. Skipped, with the reason, where podman
# cannot run (crun refuses hosts with cgroup v1 controllers, for instance).
# Usage: bench/peers.sh [ROUNDS]   (root; a build in build/)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
podctl="${PODCTL:-$PWD/build/orchestrator/podctl}"
[ -x "$podctl" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }
# crun, podman's default runtime, refuses hosts with cgroup v1 controllers ("cgroups in hybrid
# mode not supported"); runc runs there.
runtime=()
packages=(podman)
if grep -q ' cgroup ' /proc/mounts; then runtime=(--runtime runc); packages+=(runc); fi
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 && continue
  echo "peers: installing $p from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null 2>&1 ||
    { echo "peers: skipped: $p could not be installed (apt-get install $p failed)"; exit 0; }
done
root=$(mktemp -d /tmp/podctl-peers-XXXXXX)
work=$(mktemp -d /tmp/podctl-peers-work-XXXXXX)
P() { "$podctl" --root "$root" --bridge pcpeers0 --subnet 10.98.0.0/16 --service-cidr 10.97.0.0/16 "$@"; }
# podman keeps its pods and images in a storage of its own for this run, not the machine's. Its
# default limits (nofile and nproc of 1048576) are above what a machine without CAP_SYS_RESOURCE
# lets anyone set: it gets ordinary ones.
printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n' >"$work/containers.conf"
M() { CONTAINERS_CONF="$work/containers.conf" podman "${runtime[@]}" --root "$work/storage" --runroot "$work/run" "$@"; }
# What podman's bridge network adds to the host (a cni-podman bridge, a network file, the CNI
# firewall chains) is removed again when this run added it.
links_before=$(ip -br link | awk '{print $1}')
networks_before=$(ls /etc/cni/net.d 2>/dev/null || true)
chains_before=$(iptables -S 2>/dev/null | grep -c 'CNI-FORWARD' || true)
tables_before=$(nft list tables 2>/dev/null || true)
cleanup() {
  P system reset --force >/dev/null 2>&1 || true
  M pod rm -f -t 0 --all >/dev/null 2>&1 || true
  grep -qx podman-default-kube-network.conflist <<<"$networks_before" ||
    M network rm -f podman-default-kube-network >/dev/null 2>&1 || true
  M system reset --force >/dev/null 2>&1 || true
  umount -R "$work/storage" 2>/dev/null || true
  for link in $(ip -br link | awk '{print $1}' | grep '^cni-podman'); do
    grep -qx "$link" <<<"$links_before" || ip link del "$link" 2>/dev/null || true
  done
  if [ "$chains_before" = 0 ] && iptables -S CNI-FORWARD >/dev/null 2>&1; then
    iptables -D FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD 2>/dev/null || true
    for chain in CNI-FORWARD CNI-ADMIN; do iptables -F "$chain" 2>/dev/null && iptables -X "$chain" 2>/dev/null || true; done
  fi
  # iptables-nft makes its tables on first use; gone again when this run made them and they hold no rule.
  for table in nat filter; do
    grep -qx "table ip $table" <<<"$tables_before" && continue
    nft list table ip "$table" 2>/dev/null | grep -qvE '^\s*(table|chain|type|}|$)' || nft delete table ip "$table" 2>/dev/null || true
  done
  rm -rf "$root" "$work"
}
trap cleanup EXIT

scripts/make-busybox-rootfs.sh "$work/rootfs"
P image import busybox:1.35 "$work/rootfs" >/dev/null
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
M import -q --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' "$work/rootfs.tar" docker.io/library/busybox:1.35 >/dev/null
cat >"$work/pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: peers
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: a, image: "busybox:1.35", command: ["sleep", "3600"]}
  - {name: b, image: "busybox:1.35", command: ["sleep", "3600"]}
  - {name: c, image: "busybox:1.35", command: ["sleep", "3600"]}
YAML
if ! out=$(M kube play "$work/pod.yaml" 2>&1); then
  echo "peers: skipped: podman cannot run a pod on this machine:"
  echo "$out" | tail -3 | sed 's/^/  /'
  exit 0
fi
M pod rm -f -t 0 peers >/dev/null

now() { REPLY=${EPOCHREALTIME/./}; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u/1000}'; }
echo "podctl $(P version | cut -d' ' -f2) against $(podman --version)${runtime[*]:+ (${runtime[*]})}, $(nproc) cores, $rounds rounds"
printf '%-6s %12s %12s %8s   %12s %12s %8s\n' round "podctl apply" "kube play" ratio "podctl del" "pod rm" ratio
pa=() ma=() pd=() md=()
for ((i = 1; i <= rounds; i++)); do
  now; t0=$REPLY; P apply -f "$work/pod.yaml" >/dev/null; now; t1=$REPLY
  M kube play "$work/pod.yaml" >/dev/null; now; t2=$REPLY
  P delete pod peers --grace-period 0 >/dev/null; now; t3=$REPLY
  M pod rm -f -t 0 peers >/dev/null; now; t4=$REPLY
  pa+=($((t1 - t0))) ma+=($((t2 - t1))) pd+=($((t3 - t2))) md+=($((t4 - t3)))
  printf '%-6s %9s ms %9s ms %7sx   %9s ms %9s ms %7sx\n' "$i" "$(ms $((t1 - t0)))" "$(ms $((t2 - t1)))" \
    "$(awk -v a=$((t1 - t0)) -v b=$((t2 - t1)) 'BEGIN {printf "%.2f", a/b}')" "$(ms $((t3 - t2)))" "$(ms $((t4 - t3)))" \
    "$(awk -v a=$((t3 - t2)) -v b=$((t4 - t3)) 'BEGIN {printf "%.2f", a/b}')"
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}'; }
a=$(median "${pa[@]}") b=$(median "${ma[@]}") c=$(median "${pd[@]}") d=$(median "${md[@]}")
printf '%-6s %9s ms %9s ms %7sx   %9s ms %9s ms %7sx\n' median "$(ms "$a")" "$(ms "$b")" \
  "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a/b}')" "$(ms "$c")" "$(ms "$d")" \
  "$(awk -v a="$c" -v b="$d" 'BEGIN {printf "%.2f", a/b}')"
