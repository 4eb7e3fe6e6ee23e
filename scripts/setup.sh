#!/usr/bin/env bash
# `npm run setup`: the system tools the test suite drives for real (git, Ansible's ansible-inventory, ansible-lint, Chromium,
# PowerShell 7 and Pester for the Windows collector's tests).
# As root with apt-get it installs the missing Debian packages; otherwise it prints the exact line to run. PowerShell
# comes from `dotnet tool install` and Pester from its NuGet package (versions: deploy/collect/tests/tools.json).
# A second run installs nothing. Exits 1 when something is still missing.
set -euo pipefail

# Bash builtins only up to the point where a tool is known to exist: the check must work on a bare PATH.
here="${BASH_SOURCE[0]}"
[[ "$here" == */* ]] && here="${here%/*}" || here=.
TOOLS="$here/../deploy/collect/tests/tools.json"
# One "key": "value" per line in tools.json.
tool() {
  local line
  while IFS= read -r line; do
    if [[ "$line" =~ \"$1\":\ *\"([^\"]*)\" ]]; then printf '%s' "${BASH_REMATCH[1]}"; return 0; fi
  done < "$TOOLS"
  echo "setup: $TOOLS has no $1" >&2
  return 1
}
missing=0
HOME_DIR="${HOME:-}"

# --- Debian packages ---------------------------------------------------------------------------------------------
need=()
command -v git >/dev/null 2>&1 || need+=(git)
# Debian's ansible brings ansible-core (ansible-inventory, ansible-playbook) and ansible.posix, whose JSON stdout
# callback the playbook test reads.
ansible-doc -t callback ansible.posix.json >/dev/null 2>&1 || need+=(ansible)
# CI lints the shipped playbook with Debian's ansible-lint (production profile).
command -v ansible-lint >/dev/null 2>&1 || need+=(ansible-lint)
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi

if [ ${#need[@]} -eq 0 ]; then
  echo "setup: git, Ansible (with ansible.posix), ansible-lint and Chromium are installed"
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${need[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  missing=1
  echo "setup: missing ${need[*]}. Install them, then run npm test:"
  if command -v apt-get >/dev/null 2>&1; then
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}"
  else
    echo "  (no apt-get here) install the equivalents of the Debian packages: ${need[*]};"
    echo "  or point CHROMIUM_PATH at an installed Chrome or Chromium"
  fi
fi

# --- PowerShell 7 (the collector's tests) ------------------------------------------------------------------------
# The tests look for pwsh on PATH, then in ~/.dotnet/tools (where `dotnet tool install --global` puts it).
PWSH_VERSION="$(tool powershell)"
pwsh_bin=""
if command -v pwsh >/dev/null 2>&1; then pwsh_bin="$(command -v pwsh)"
elif [ -x "$HOME_DIR/.dotnet/tools/pwsh" ]; then pwsh_bin="$HOME_DIR/.dotnet/tools/pwsh"; fi
if [ -n "$pwsh_bin" ]; then
  echo "setup: PowerShell is installed ($pwsh_bin)"
elif command -v dotnet >/dev/null 2>&1; then
  echo "setup: installing PowerShell $PWSH_VERSION (dotnet tool install --global PowerShell)"
  dotnet tool install --global PowerShell --version "$PWSH_VERSION"
  pwsh_bin="$HOME_DIR/.dotnet/tools/pwsh"
else
  missing=1
  echo "setup: missing PowerShell 7. Install the .NET SDK, then: dotnet tool install --global PowerShell --version $PWSH_VERSION"
fi

# --- Pester (from its NuGet package, checked against a pinned SHA-256) ------------------------------------------
PESTER_VERSION="$(tool pester)"
PESTER_HOME="${XDG_DATA_HOME:-$HOME_DIR/.local/share}/patchops/pwsh-modules"
PESTER_DIR="$PESTER_HOME/Pester/$PESTER_VERSION"
fetchers=()
for t in curl sha256sum python3 mktemp mkdir mv rm; do command -v "$t" >/dev/null 2>&1 || fetchers+=("$t"); done
if [ -f "$PESTER_DIR/Pester.psd1" ]; then
  echo "setup: Pester $PESTER_VERSION is installed ($PESTER_DIR)"
elif [ ${#fetchers[@]} -gt 0 ]; then
  missing=1
  echo "setup: missing Pester $PESTER_VERSION; installing it from NuGet needs ${fetchers[*]}"
else
  echo "setup: installing Pester $PESTER_VERSION into $PESTER_DIR"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  curl -fsSL --retry 3 -o "$work/pester.zip" "$(tool pesterUrl)"
  echo "$(tool pesterSha256)  $work/pester.zip" | sha256sum -c --quiet -
  # A .nupkg is a zip; the module is its tools/ folder.
  python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.startswith("tools/") and not n.endswith("/"): z.extract(n, sys.argv[2])' "$work/pester.zip" "$work/unpacked"
  mkdir -p "$PESTER_HOME/Pester"
  rm -rf "$PESTER_DIR.partial"
  mv "$work/unpacked/tools" "$PESTER_DIR.partial"
  mv "$PESTER_DIR.partial" "$PESTER_DIR"
fi

if [ "$missing" -ne 0 ]; then exit 1; fi
echo "setup: done; run npm test"
