#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, build, then unit, root (real namespaces,
# netlink, cgroups), end-to-end (the podctl binary) and Kubernetes-compatibility tests.
# Needs root; under PODCTL_REQUIRE_ROOT=1 a test that needs root fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "scripts/test.sh needs root (pods need namespaces, netlink and cgroups): run it with sudo" >&2
  exit 1
fi
scripts/bootstrap.sh
scripts/build.sh
export PODCTL_REQUIRE_ROOT=1

# The unit, root and fuzz tests again, built with AddressSanitizer and UBSan (Debug).
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPODCTL_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)" --target unit_tests root_tests fuzz_tests podctl-pause
echo "== unit, root and fuzz tests under AddressSanitizer and UBSan"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2 --timeout 600 -L 'unit|root|fuzz' -E '^(e2e|k8s)'

echo "== the whole suite (Release)"
ctest --test-dir build --output-on-failure -j2 --timeout 600
