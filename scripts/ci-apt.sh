#!/usr/bin/env bash
# Installs the Debian packages the registry tests need when they are missing: a real registry on
# loopback, tools that build and push an OCI image into it, openssl for the token service's key.
# Idempotent; uses sudo when not root.
# The docker-registry package's own service is not used: the tests start the binary on a free port.
set -euo pipefail

wanted=(docker-registry umoci skopeo openssl)
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "== apt: ${wanted[*]} already installed"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    echo "== apt: ${missing[*]} missing and no passwordless sudo; the registry tests will skip" >&2
    exit 0
  fi
  as_root=(sudo -n)
fi

echo "== apt: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq

"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
