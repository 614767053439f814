#!/usr/bin/env bash
# Sets up podctl on this machine and runs the demo: a two-container pod in which a client fetches
# pages from a web server over the pod's shared localhost. Installs podctl to /usr/local/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "scripts/demo.sh needs root (pods need namespaces, netlink and cgroups): run it with sudo" >&2
  exit 1
fi
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Installing build dependencies and building"
scripts/bootstrap.sh
scripts/build.sh >/dev/null
install -m 0755 build/orchestrator/podctl build/orchestrator/podctl-pause build/orchestrator/podctl-supervisor \
  build/orchestrator/podctl-enter build/orchestrator/podctl-image /usr/local/bin/

say "Building a busybox image offline from Debian's busybox-static"
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
scripts/make-busybox-rootfs.sh "$rootfs"
podctl image import busybox:1.35 "$rootfs"
podctl image ls

say "podctl apply -f examples/web-and-client.yaml"
podctl delete pod web --ignore-not-found --grace-period 0 >/dev/null
podctl apply -f examples/web-and-client.yaml
sleep 3

say "podctl get pods -o wide"
podctl get pods -o wide

say "podctl logs web -c client   (the client reaches httpd on the pod's localhost)"
podctl logs web -c client --tail 3

say "podctl exec web -c client -- hostname   (every container sees the pod's hostname)"
podctl exec web -c client -- hostname

say "Each container shares the pause process's net, ipc and uts namespaces, and has its own mnt and pid"
printf '%-8s %-7s %-18s %-18s %-18s %-18s %s\n' PROCESS PID NET IPC UTS MNT PID-NS
for who in pause httpd client; do
  path=".containers.$who.pid"; [ "$who" = pause ] && path=".pause.pid"
  pid=$(podctl inspect web -o "jsonpath={$path}")
  printf '%-8s %-7s' "$who" "$pid"
  for ns in net ipc uts mnt pid; do printf ' %-18s' "$(readlink /proc/$pid/ns/$ns)"; done
  echo
done

ip=$(podctl get pod web -o 'jsonpath={.status.podIP}')
say "The host reaches the pod at its IP: wget http://$ip:8080/"
busybox wget -q -O - "http://$ip:8080/"

cat <<TXT

The pod keeps running. Try:
  podctl get pods
  podctl logs web -c client -f
  podctl exec -it web -c client -- sh
  podctl describe pod web
  podctl delete pod web
TXT
