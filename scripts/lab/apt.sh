#!/usr/bin/env bash
# Installs what the buildah lab needs when it is missing: buildah (builds Dockerfiles without a daemon)
# and debootstrap (makes the Debian root filesystems of the lab's base images). Idempotent; needs root
# or passwordless sudo, else says so and exits 1 (callers decide whether that is a skip or a failure).
set -euo pipefail
wanted=(buildah debootstrap)
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
    echo "== apt: ${missing[*]} missing and no passwordless sudo" >&2
    exit 1
  fi
  as_root=(sudo -n)
fi
echo "== apt: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
