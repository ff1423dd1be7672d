#!/usr/bin/env bash
# Fetches the Debian tools the registry tests drive (docker-registry, umoci, skopeo; openssl when the
# machine lacks it) into the clone's .cache without installing them: `apt-get download` + `dpkg-deb -x`.
# Installing the docker-registry package would enable and start its system service (listening on :5000
# on all interfaces); extracting it does neither. The shared libraries a binary needs and the machine
# lacks (skopeo: libgpgme11, …) are extracted beside it; wrappers in bin/ set LD_LIBRARY_PATH.
# Needs no root: when the machine's apt lists do not know the packages, it reads private lists.
# Idempotent; exits 0 without tools when apt is unavailable (the registry tests then skip).
# Usage: scripts/registry-tools.sh [TARGET_DIR]   (default: .cache/registry-tools)
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-.cache/registry-tools}"
debs=".cache/registry-tools-debs"
wanted=(docker-registry umoci skopeo)
command -v openssl >/dev/null || wanted+=(openssl)
tools=("${wanted[@]}")

if [ -f "$target/ok" ]; then
  echo "== registry tools: ready in $target"
  exit 0
fi
if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "== registry tools: no apt-get/dpkg-deb here; the registry tests will skip" >&2
  exit 0
fi
mkdir -p "$debs" "$target"
debs="$(cd "$debs" && pwd)"
target="$(cd "$target" && pwd)"

apt_options=()
if ! apt-cache show docker-registry >/dev/null 2>&1; then
  # The machine's lists are empty (fresh image) or lack the packages: update private lists, not /var/lib/apt.
  lists="$debs/lists"
  mkdir -p "$lists/partial"
  mkdir -p "$debs/apt-cache/archives/partial"
  apt_options=(-o "Dir::State::Lists=$lists" -o "Dir::Cache=$debs/apt-cache" -o "Debug::NoLocking=1")
  echo "== registry tools: reading apt lists into $lists"
  apt-get "${apt_options[@]}" update -qq
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# The packages plus the library packages they need that the machine lacks, following only lib* packages:
# programs they depend on (gnupg, dmsetup, …) are not needed to run the binaries.
packages=()
queue=("${wanted[@]}")
declare -A seen=()
while [ "${#queue[@]}" -gt 0 ]; do
  package="${queue[0]}"
  queue=("${queue[@]:1}")
  [ -n "${seen[$package]:-}" ] && continue
  seen[$package]=1
  packages+=("$package")
  while read -r dependency; do
    case "$dependency" in lib*) installed "$dependency" || queue+=("$dependency") ;; esac
  done < <(apt-cache "${apt_options[@]}" depends --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances --no-pre-depends "$package" 2>/dev/null | sed -n 's/^ *|\?Depends: \([^<>]*\)$/\1/p')
done

missing_debs=()
for package in "${packages[@]}"; do
  compgen -G "$debs/${package}_*.deb" >/dev/null || missing_debs+=("$package")
done
if [ "${#missing_debs[@]}" -gt 0 ]; then
  echo "== registry tools: apt-get download ${missing_debs[*]}"
  # apt's download sandbox user cannot write into the clone; downloading as the caller is what we want.
  (cd "$debs" && apt-get "${apt_options[@]}" -o APT::Sandbox::User=root download -qq "${missing_debs[@]}")
fi

root="$target/root"
mkdir -p "$root" "$target/bin"
for package in "${packages[@]}"; do
  dpkg-deb -x "$(compgen -G "$debs/${package}_*.deb" | head -n 1)" "$root"
done
library_path="$(find "$root" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)"
# skopeo refuses to copy without a signature policy; the tests' images are local, accept them.
printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"$target/policy.json"
for tool in "${tools[@]}"; do
  binary="$root/usr/bin/$tool"
  [ -x "$binary" ] || {
    echo "registry tools: $tool is not in its package" >&2
    exit 1
  }
  extra=''
  [ "$tool" = skopeo ] && extra="--policy '$target/policy.json' "
  # skopeo takes --policy before its subcommand; the wrapper keeps the tests' argument lists unchanged.
  printf '#!/bin/sh\nLD_LIBRARY_PATH="%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "%s" %s"$@"\n' \
    "$library_path" "$binary" "$extra" >"$target/bin/$tool"
  chmod +x "$target/bin/$tool"
  if LD_LIBRARY_PATH="$library_path" ldd "$binary" | grep 'not found'; then
    echo "registry tools: $tool misses shared libraries (above)" >&2
    exit 1
  fi
done
touch "$target/ok"
echo "== registry tools: ${tools[*]} in $target/bin (from ${packages[*]})"
