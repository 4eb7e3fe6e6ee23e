# Shared by the real end-to-end scripts (sourced, not run): checks and their count, Debian packages built with
# dpkg-deb into a local apt repository, Debian roots (overlays of this machine's root on tmpfs) each with sshd on
# 127.0.0.1, SSH into them, and deploy/collect/linux.sh over SSH. The sourcing script sets ROOT and W (its private
# temporary folder) first, and may define e2e_keep_logs (called with E2E_LOGS set) before the exit trap runs.
# Needs root (mount, chroot) on Debian or Ubuntu; e2e_tools installs openssh-server, dpkg-dev and python3-apt.
PASS=0
FAIL=0
SSHD_PIDS=()
MOUNTS=()
declare -A PORT

log() { printf '%s\n' "$*" >&2; }
check() { # check NAME COMMAND...: one assertion
  local name=$1
  shift
  if "$@"; then PASS=$((PASS + 1)); echo "ok   $name"; else FAIL=$((FAIL + 1)); echo "FAIL $name"; fi
}
# The exit trap: sshd killed by its pid, every mount undone, the folder removed, then the count.
e2e_finish() {
  for pid in "${SSHD_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${SSHD_PIDS[@]}"; do timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null; done
  # E2E_LOGS=DIR keeps the logs, results and plans for a look after the run.
  if [ -n "${E2E_LOGS:-}" ] && declare -F e2e_keep_logs >/dev/null; then mkdir -p "$E2E_LOGS" && e2e_keep_logs; fi
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}"; done
  rm -rf "$W"
  echo "$PASS passed, $FAIL failed"
}
die() {
  log "${E2E_NAME:-e2e}: $*"
  FAIL=$((FAIL + 1))
  exit 1
}

# Root, and the tools the Debian roots need (installed with apt-get when missing), and ansible-playbook.
e2e_tools() {
  [ "$(id -u)" = 0 ] || die "needs root (mount, chroot)"
  local missing=()
  command -v sshd >/dev/null || missing+=(openssh-server)
  command -v dpkg-scanpackages >/dev/null || missing+=(dpkg-dev)
  /usr/bin/python3 -c 'import apt' 2>/dev/null || missing+=(python3-apt)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
      die "apt-get install ${missing[*]} failed"
  fi
  command -v ansible-playbook >/dev/null || die "ansible-playbook is not installed (npm run setup)"
}

# A package in the local repository $W/repo; `failing` gives it a postinst that exits 1.
build_deb() { # build_deb NAME VERSION [failing]
  local d="$W/build/$1-$2"
  mkdir -p "$d/DEBIAN" "$d/usr/share/$1" "$W/repo"
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: patchops e2e <e2e@example.invalid>\nDescription: patchops end-to-end test package\n' \
    "$1" "$2" >"$d/DEBIAN/control"
  echo "$2" >"$d/usr/share/$1/version"
  if [ "${3:-}" = failing ]; then
    printf '#!/bin/sh\necho "patchops-e2e: this postinst fails on purpose" >&2\nexit 1\n' >"$d/DEBIAN/postinst"
    chmod 755 "$d/DEBIAN/postinst"
  fi
  dpkg-deb --root-owner-group --build "$d" "$W/repo/$1_$2_all.deb" >/dev/null || die "dpkg-deb $1 $2"
}
# The index of $W/repo, once its packages are built; then the SSH keys the roots trust.
finish_repo() {
  (cd "$W/repo" && dpkg-scanpackages --multiversion . 2>/dev/null >Packages) || die "dpkg-scanpackages"
  ssh-keygen -q -t ed25519 -N '' -f "$W/id" || die "ssh-keygen"
  ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey" || die "ssh-keygen"
}

spare_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A Debian root for HOST: an overlay of / on tmpfs, the local repository as its only apt source, PACKAGE 1.0
# installed, sshd on 127.0.0.1:${PORT[HOST]} accepting the key $W/id for root.
start_root() { # start_root HOST PACKAGE
  local host=$1 base="$W/$1"
  local r="$base/root"
  mkdir -p "$base"
  mount -t tmpfs tmpfs "$base" && MOUNTS+=("$base") || die "mount tmpfs $base"
  mkdir -p "$base/upper" "$base/work" "$r"
  mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$r" && MOUNTS+=("$r") ||
    die "mount overlay $r"
  mount --bind /dev "$r/dev" && MOUNTS+=("$r/dev") || die "bind /dev"
  mount -t proc proc "$r/proc" && MOUNTS+=("$r/proc") || die "mount proc"
  rm -rf "$r/etc/apt/sources.list.d" "$r/srv/repo" "$r/var/run/reboot-required"
  mkdir -p "$r/etc/apt/sources.list.d" "$r/srv" "$r/run/sshd" "$r/root/.ssh" "$r/etc/patchops-e2e"
  cp -r "$W/repo" "$r/srv/repo"
  echo 'deb [trusted=yes] file:/srv/repo ./' >"$r/etc/apt/sources.list"
  cp "$W/id.pub" "$r/root/.ssh/authorized_keys"
  chmod 700 "$r/root/.ssh" && chmod 600 "$r/root/.ssh/authorized_keys"
  cp "$W/hostkey" "$r/etc/patchops-e2e/hostkey"
  chroot "$r" dpkg -i "/srv/repo/$2_1.0_all.deb" >/dev/null || die "dpkg -i $2 1.0 in $host"
  PORT[$host]=$(spare_port)
  chroot "$r" /usr/sbin/sshd -D -e -p "${PORT[$host]}" -o ListenAddress=127.0.0.1 -h /etc/patchops-e2e/hostkey \
    -o PidFile=none -o UsePAM=no -o PermitRootLogin=prohibit-password 2>>"$W/sshd-$host.log" &
  SSHD_PIDS+=($!)
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/${PORT[$host]}") 2>/dev/null && return 0
    sleep 0.2
  done
  die "sshd of $host did not listen on 127.0.0.1:${PORT[$host]} within 20 s: $(cat "$W/sshd-$host.log")"
}

SSH_OPTS=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 -o BatchMode=yes)
on() { local host=$1; shift; timeout 120 ssh "${SSH_OPTS[@]}" -i "$W/id" -p "${PORT[$host]}" root@127.0.0.1 "$@"; }
version_on() { on "$1" "dpkg-query -W -f='\${Version}' $2"; }

# The collector (deploy/collect/linux.sh; COLLECTOR names another copy, e.g. an installed package's) over SSH on
# each host, converted on the control node into one inventory.
collect() { # collect SCANNED_AT OUT HOST...
  local at=$1 out=$2 host collector=${COLLECTOR:-$ROOT/deploy/collect/linux.sh}
  shift 2
  : >"$out"
  for host in "$@"; do
    on "$host" sh -s collect <"$collector" >"$W/$host.scan" 2>>"$W/collect.log" || die "collect on $host"
    sh "$collector" convert "$host" "$at" <"$W/$host.scan" >>"$out" || die "convert $host"
  done
}
