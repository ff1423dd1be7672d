#!/usr/bin/env bash
# Makes the root filesystems of the lab's Debian base images without any registry: a debootstrap
# minbase root (what the official debian images are made from, by debuerreotype), the apt cleanup
# hook those images carry, and for the -slim variant dpkg's path-excludes for docs, man pages and
# locales with the files already installed there removed. Writes two tarballs: full and slim.
#
# usage: rootfs.sh SUITE FULL_TAR SLIM_TAR        (needs root and debootstrap; called by scripts/lab.ts)
set -euo pipefail
suite=$1
full_tar=$2
slim_tar=$3
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
work=$(mktemp -d "$(dirname "$full_tar")/rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
# Official images point apt at the public mirror; the root keeps the one it was made from (same content).
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CONF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CONF
# A build must not inherit the machine's resolver or host name files; buildah mounts its own.
: >"$root/etc/resolv.conf"
: >"$root/etc/hostname"
# Sorted names and fixed owners so the same root gives the same tarball.
pack() { tar -C "$root" --sort=name --numeric-owner -cf "$1.tmp" . && mv "$1.tmp" "$1"; }
pack "$full_tar"

# The slim variant: what it leaves out, and the few files inside those folders it keeps.
excludes='/usr/share/doc/* /usr/share/groff/* /usr/share/info/* /usr/share/linda/* /usr/share/lintian/overrides/* /usr/share/locale/* /usr/share/man/*'
includes='/usr/share/doc/*/copyright /usr/share/locale/all_languages /usr/share/locale/currency/* /usr/share/locale/l10n/* /usr/share/locale/languages /usr/share/locale/locale.alias'
cfg=$root/etc/dpkg/dpkg.cfg.d/docker
mkdir -p "$(dirname "$cfg")"
set -f
{
  echo '# Slim variant: files containers rarely need are not installed.'
  for e in $excludes; do echo "path-exclude $e"; done
  for i in $includes; do echo "path-include $i"; done
} >"$cfg"
keep=()
for i in $includes; do keep+=(-o -path "$root$i"); done
for e in $excludes; do
  dir=$root$(dirname "$e")
  [ -d "$dir" ] || continue
  find "$dir" -mindepth 1 \( -type f -o -type l \) ! \( -false "${keep[@]}" \) -delete
  find "$dir" -mindepth 1 -depth -type d -empty -delete
done
set +f
pack "$slim_tar"
