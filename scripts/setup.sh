#!/usr/bin/env bash
# `npm run setup`: the system tools the test suite drives for real (git, Ansible's ansible-inventory, Chromium).
# As root with apt-get it installs what is missing; otherwise it prints the exact line to run and exits 1.
set -euo pipefail

need=()
command -v git >/dev/null 2>&1 || need+=(git)
# Debian's ansible brings ansible-core (ansible-inventory, ansible-playbook) and ansible.posix, whose JSON stdout
# callback the playbook test reads.
ansible-doc -t callback ansible.posix.json >/dev/null 2>&1 || need+=(ansible)
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi

if [ ${#need[@]} -eq 0 ]; then
  echo "setup: git, Ansible (with ansible.posix) and Chromium are installed; run npm test"
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${need[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
  echo "setup: done; run npm test"
  exit 0
fi

echo "setup: missing ${need[*]}. Install them, then run npm test:"
if command -v apt-get >/dev/null 2>&1; then
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}"
else
  echo "  (no apt-get here) install the equivalents of the Debian packages: ${need[*]};"
  echo "  or point CHROMIUM_PATH at an installed Chrome or Chromium"
fi
exit 1
