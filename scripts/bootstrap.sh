#!/usr/bin/env bash
# Installs what podctl needs to build and test, from Debian 12's packages (and the npm registry
# for the Kubernetes compatibility check). Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config git
  libyaml-cpp-dev libboost-program-options-dev libnl-3-dev libnl-route-3-dev libspdlog-dev
  libgtest-dev nlohmann-json3-dev libarchive-dev libssl-dev libnftables-dev libcurl4-openssl-dev libseccomp-dev
  busybox-static iproute2 util-linux procps file nftables curl python3 jq
  docker-registry skopeo umoci
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Kubernetes compatibility check validates examples with the npm package kubernetes-models.
if [ ! -d tests/k8s-compat/node_modules/kubernetes-models ]; then
  echo "bootstrap: installing the Kubernetes models for the compatibility check (npm)"
  (cd tests/k8s-compat && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
