#!/bin/sh
# patchops Linux collector. Two steps, so the managed host needs nothing but sh and its package manager:
#
#   on the host:          sh linux.sh collect > scan.txt            (as root: it refreshes the package lists first)
#   on the control node:  sh linux.sh convert HOST SCANNED_AT < scan.txt >> inventory.jsonl
#
# `collect` prints one bundle: `#patchops-scan KEY=VALUE` header lines (os-name, os-version, format, reboot) and
# the outputs of dpkg-query and `apt list --upgradable` (Debian, Ubuntu) or rpm and `dnf updateinfo`/`dnf
# check-update` (RHEL, Alma, Rocky), each after a `#patchops-scan file=NAME` line. `convert` splits the bundle and
# runs `patchops inventory convert` (PATCHOPS, default `npx patchops`), which prints the native inventory record.
# Exit codes: 0 done; 2 usage or an unknown distribution; convert passes on patchops' exit code (1: a line it did not
# understand, reported with file:line:column).
set -eu

mark() { printf '#patchops-scan %s\n' "$1"; }

os_name() {
  # shellcheck disable=SC1091
  . /etc/os-release
  major=${VERSION_ID%%.*}
  case "$ID" in
    debian) echo "Debian $major" ;;
    ubuntu) echo "Ubuntu $VERSION_ID" ;;
    rhel) echo "Red Hat Enterprise Linux $major" ;;
    almalinux) echo "AlmaLinux $major" ;;
    rocky) echo "Rocky Linux $major" ;;
    *) echo "linux.sh: unknown distribution '$ID' in /etc/os-release" >&2; exit 2 ;;
  esac
}

collect() {
  name=$(os_name)
  # shellcheck disable=SC1091
  version=$(if [ -r /etc/debian_version ] && [ "${name%% *}" = Debian ]; then cat /etc/debian_version; else . /etc/os-release; echo "$VERSION_ID"; fi)
  mark "os-name=$name"
  mark "os-version=$version"
  if command -v dpkg-query >/dev/null 2>&1; then
    mark "format=dpkg"
    if [ -e /var/run/reboot-required ]; then mark "reboot=1"; else mark "reboot=0"; fi
    if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || echo "linux.sh: apt-get update failed; the offered upgrades may be stale" >&2; fi
    mark "file=installed"
    dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${source:Package}\t${source:Version}\n'
    mark "file=upgradable"
    apt list --upgradable 2>/dev/null
  elif command -v rpm >/dev/null 2>&1; then
    mark "format=rpm"
    reboot=0
    if command -v needs-restarting >/dev/null 2>&1; then needs-restarting -r >/dev/null 2>&1 || [ $? -ne 1 ] || reboot=1; fi
    mark "reboot=$reboot"
    mark "file=installed"
    rpm -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'
    mark "file=updateinfo"
    dnf -q updateinfo list --available 2>/dev/null || true
    mark "file=check-update"
    dnf -q check-update 2>/dev/null || true # exit 100: updates are available
  else
    echo "linux.sh: neither dpkg-query nor rpm found" >&2
    exit 2
  fi
}

convert() {
  [ $# -eq 2 ] || { echo "usage: linux.sh convert HOST SCANNED_AT < bundle" >&2; exit 2; }
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  # Split the bundle: header values into files named after their key, each file section into its own file.
  awk -v dir="$dir" '
    /^#patchops-scan file=/ { out = dir "/" substr($0, 21); printf "" > out; next }
    /^#patchops-scan [a-z-]+=/ { kv = substr($0, 16); i = index(kv, "="); print substr(kv, i + 1) > (dir "/" substr(kv, 1, i - 1) ".value"); next }
    out != "" { print > out }
  ' || { echo "linux.sh: cannot read the bundle" >&2; exit 2; }
  for key in os-name os-version format reboot; do
    [ -s "$dir/$key.value" ] || { echo "linux.sh: the bundle has no #patchops-scan $key= line" >&2; exit 2; }
  done
  set -- --from "$(cat "$dir/format.value")" --host "$1" --scanned-at "$2" \
    --os-name "$(cat "$dir/os-name.value")" --os-version "$(cat "$dir/os-version.value")" "$dir/installed"
  for f in upgradable updateinfo check-update; do [ -e "$dir/$f" ] && set -- "$@" --upgradable "$dir/$f"; done
  [ "$(cat "$dir/reboot.value")" = 1 ] && set -- "$@" --reboot-required
  # shellcheck disable=SC2086
  ${PATCHOPS:-npx patchops} inventory convert "$@"
}

case "${1:-}" in
  collect) collect ;;
  convert) shift; convert "$@" ;;
  *) echo "usage: linux.sh collect | linux.sh convert HOST SCANNED_AT < bundle" >&2; exit 2 ;;
esac
