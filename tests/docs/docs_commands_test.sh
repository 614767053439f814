#!/usr/bin/env bash
# Runs every command of the README's tour and of docs/quickstart.md, in the order written, in a
# private root (its own bridge, subnets and a scratch directory for HOME and the working
# directory), and fails naming the first line that does not work as written.
#
# Usage: docs_commands_test.sh SOURCE_DIR BIN_DIR
#
# Only what a machine without the internet cannot do is changed, each case below:
# - images: this runs offline, so `image pull busybox:1.35` is an import of the busybox rootfs
#   (Debian's busybox-static), and every root a block uses gets that image before its first line;
#   the pulls from public or example registries, the login and the import of a docker-save archive
#   are not run (tests/e2e/registry_test.cc pulls, logs in and imports against a local registry);
# - ports: the host ports 8080 and 8081 become free ones, so that parallel runs never collide;
# - what runs until Ctrl-C (logs -f, get -w, apply --watch) is interrupted after a few seconds
#   and passes when it was still running; a line ending in & runs in the background and must
#   still run two seconds later (it is interrupted at the end of its block); `exec -it` gets a
#   pseudo-terminal and types `tty; exit`;
# - `diff` may exit 1 (something would change), as documented;
# - the quick start's first block (clone, then demo.sh, which installs into /usr/local/bin) is
#   not run: it is the README's first command.
set -uo pipefail
src=${1:?usage: docs_commands_test.sh SOURCE_DIR BIN_DIR}
bin=${2:?usage: docs_commands_test.sh SOURCE_DIR BIN_DIR}
[ "$(id -u)" = 0 ] || { echo "docs_commands_test.sh needs root (pods need namespaces)" >&2; exit 1; }

id=$(( $$ % 200 + 20 ))
scratch=$(mktemp -d /tmp/podctl-docs-XXXXXX)
export PATH="$bin:$PATH" HOME="$scratch/home" NO_COLOR=1
export PODCTL_ROOT="$scratch/root" PODCTL_BRIDGE="ptd$id" PODCTL_SUBNET="10.150.$id.0/24"
export PODCTL_SERVICE_CIDR="10.151.$id.0/24"
unset PODCTL_NAMESPACE PODCTL_RESTART_BACKOFF
ID=$((id + 1))  # the quick start's "several roots" takes it from the user's environment
roots_used=("$PODCTL_ROOT")
background=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
host_port=$(free_port)
forward_port=$(free_port)

cleanup() {
  for pid in "${background[@]}"; do kill "$pid" 2>/dev/null; done
  for root in "${roots_used[@]}"; do
    [ -d "$root" ] && PODCTL_ROOT=$root podctl system reset --force >/dev/null 2>&1
    rm -rf "$root"
  done
  rm -rf "$scratch"
}
trap cleanup EXIT

# The files the docs' lines name: the examples (with free host ports), a rootfs tarball, and a
# project in ~/src/shop (k8s/, pod.yaml, ci/) for the later sections.
bash "$src/scripts/make-busybox-rootfs.sh" "$scratch/busybox" >/dev/null || exit 1
mkdir -p "$scratch/work" "$HOME/src/shop/k8s" "$HOME/src/shop/ci"
cp -r "$src/examples" "$scratch/work/examples"
sed -i "s/hostPort: 8080/hostPort: $host_port/" "$scratch/work/examples/stack/web.yaml"
tar -C "$scratch/busybox" -czf "$scratch/work/rootfs.tar.gz" .
cp "$src/examples/web-and-client.yaml" "$HOME/src/shop/k8s/web.yaml"
cp "$src/examples/restart-on-failure.yaml" "$HOME/src/shop/pod.yaml"
cp "$src/examples/ci-job.yaml" "$HOME/src/shop/ci/"
cd "$scratch/work" || exit 1

seeded=""
seed_root() {  # the image the examples use, in the root the next line runs in
  [ "$seeded" = "$PODCTL_ROOT" ] && return
  case " ${roots_used[*]} " in *" $PODCTL_ROOT "*) ;; *) roots_used+=("$PODCTL_ROOT") ;; esac
  podctl image import busybox:1.35 "$scratch/busybox" >/dev/null || { echo "FAIL: importing busybox into $PODCTL_ROOT"; exit 1; }
  seeded=$PODCTL_ROOT
}

not_run() {
  case "$1" in
    "git clone "* | "sudo ./scripts/demo.sh"*) return 0 ;;
    "podctl image pull postgres:16"* | "podctl image login "* | *"podctl image pull 127.0.0.1:5000/"*) return 0 ;;
    "podctl image import app.tar"*) return 0 ;;
  esac
  return 1
}

fail() {
  echo "FAIL: $1"
  echo "  line: $line"
  tail -n 30 "$scratch/out" | sed 's/^/  | /'
  echo "  the lines before it and what they printed:"
  tail -n 40 "$scratch/transcript" 2>/dev/null | sed 's/^/  | /'
  echo "  the root at that moment:"
  { podctl get all -o wide; podctl get events; } 2>&1 | tail -n 40 | sed 's/^/  | /'
  exit 1
}

run_line() {
  line=$1
  local cmd=$line
  cmd=${cmd//127.0.0.1:8080/127.0.0.1:$host_port}
  cmd=${cmd//8081:80/$forward_port:80}
  cmd=${cmd//8080:8080/$forward_port:8080}
  if [[ $cmd == "podctl image pull busybox:1.35" ]]; then seeded=""; seed_root; echo "ok   $line (imported)"; return; fi
  if not_run "$cmd"; then echo "skip $line"; return; fi
  seed_root
  local rc
  if [[ $cmd =~ \&$ ]]; then
    eval "${cmd%&} >'$scratch/out.bg.${#background[@]}' 2>&1 </dev/null &"
    background+=("$!")
    sleep 2
    kill -0 "$!" 2>/dev/null || { cp "$scratch/out.bg.$((${#background[@]} - 1))" "$scratch/out"; fail "it ended at once"; }
    echo "bg   $line"
    return
  elif [[ $cmd =~ ^podctl\ (logs|get)(\ .*)?\ (-f|-w)(\ |$) || $cmd =~ \ --watch(\ |$) ]]; then
    timeout -s INT 6 bash -c "$cmd" >"$scratch/out" 2>&1
    rc=$?
    [ "$rc" = 124 ] || fail "it ended (exit $rc) before it was interrupted"
  elif [[ $cmd =~ ^podctl\ exec\ -it ]]; then
    (sleep 2; echo "tty; exit") | timeout 20 script -qec "$cmd" /dev/null >"$scratch/out" 2>&1
    rc=$?
    [ "$rc" = 0 ] || fail "exit $rc"
    grep -q "/dev/pts/" "$scratch/out" || fail "no terminal in the container"
  else
    eval "$cmd" >"$scratch/out" 2>&1 </dev/null
    rc=$?
    if [[ $cmd =~ ^podctl\ diff ]]; then
      [ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "exit $rc"
    else
      [ "$rc" = 0 ] || fail "exit $rc"
    fi
  fi
  [[ $cmd == *"system reset"* ]] && seeded=""
  { echo "\$ $line   # $(date +%T.%N | cut -c1-12)"; cat "$scratch/out"; } >>"$scratch/transcript"
  echo "ok   $line"
}

end_block() {
  local i
  for i in "${!background[@]}"; do
    kill -INT "${background[$i]}" 2>/dev/null
    wait "${background[$i]}" 2>/dev/null
  done
  background=()
}

# The shell blocks of a markdown file (only those between START and the next "## " heading when
# START is given), one command per line, comments dropped.
commands() {
  awk -v start="$2" '
    start != "" && $0 == start { inside = 1; next }
    start != "" && inside && /^## / { inside = 0 }
    start != "" && !inside { next }
    /^```sh$/ { code = 1; next }
    /^```$/ { if (code) print "#end-of-block"; code = 0; next }
    code { sub(/[ \t]+#.*$/, ""); if ($0 != "") print }
  ' "$1"
}

run_file() {
  echo "== $1"
  while IFS= read -r l; do
    if [ "$l" = "#end-of-block" ]; then end_block; else run_line "$l"; fi
  done < <(commands "$1" "${2:-}")
}

run_file "$src/README.md" "## A short tour"
podctl system reset --force >/dev/null || { echo "FAIL: system reset between the README and the quick start"; exit 1; }
seeded=""
run_file "$src/docs/quickstart.md"
echo "every command of the README's tour and of the quick start works as written"
