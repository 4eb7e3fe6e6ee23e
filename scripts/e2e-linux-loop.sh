#!/usr/bin/env bash
# The Linux loop end to end, for real: three Debian roots (overlays of this machine's root) each with sshd on
# 127.0.0.1, a local apt repository with two versions of two packages built by dpkg-deb, deploy/collect/linux.sh,
# `patchops plan`, `patchops deploy due`, the real ansible-playbook over SSH with apt, results back, plan again.
#   deb-ok:     patchops-e2e-demo 1.0 → 2.0: apt upgrades it, the job succeeds, the host is compliant.
#   deb-broken: patchops-e2e-broken 1.0 → 2.0 whose postinst exits 1: the job fails with apt's error.
#   deb-stage:  demo 1.0 under a no-force exemption: apt only downloads 2.0, the result is not-run/staged.
# Needs root (mount, chroot) on Debian or Ubuntu; installs openssh-server, dpkg-dev and python3-apt with apt-get.
# Prints "N passed, N failed"; exit 0 only when nothing failed. Every wait is bounded; sshd is killed by its pid and
# every mount is undone on exit.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/patchops-e2e-linux.XXXXXX)
NOW_SCAN=2026-12-10T12:00:00Z # D1-04 of the dc timetable is 2026-12-10T12:00Z-16:00Z
NOW_PLAN=2026-12-10T12:30:00Z
NOW_RUN=2026-12-10T12:30:00Z
NOW_SCAN2=2026-12-10T12:45:00Z
NOW_PLAN2=2026-12-10T13:00:00Z
E2E_NAME=e2e-linux-loop
# shellcheck source=scripts/e2e-lib.sh
. "$ROOT/scripts/e2e-lib.sh"
e2e_keep_logs() { cp -r "$W"/*.log "$W"/*.jsonl "$W"/results "$W"/plan* "$W/inv" "$E2E_LOGS/" 2>/dev/null; }
trap e2e_finish EXIT
e2e_tools

# patchops from the source tree (no build needed).
cat >"$W/patchops.mts" <<EOF
import { main } from "$ROOT/reconciler/cli/main.ts";
process.exitCode = await main(process.argv);
EOF
patchops() { timeout 300 "$ROOT/node_modules/.bin/tsx" "$W/patchops.mts" "$@"; }
export PATCHOPS="$ROOT/node_modules/.bin/tsx $W/patchops.mts"

# 1. The packages: demo and broken, versions 1.0 and 2.0; broken 2.0's postinst fails.
build_deb patchops-e2e-demo 1.0
build_deb patchops-e2e-demo 2.0
build_deb patchops-e2e-broken 1.0
build_deb patchops-e2e-broken 2.0 failing
finish_repo

# 2. Three Debian roots: an overlay of / on tmpfs each, the local repository as their only apt source, sshd inside.
start_root deb-ok patchops-e2e-demo
start_root deb-broken patchops-e2e-broken
start_root deb-stage patchops-e2e-demo

# 3. Collect with the shipped collector over SSH, convert on the control node.
collect "$NOW_SCAN" "$W/inventory1.jsonl" deb-ok deb-broken deb-stage
check "the collector saw demo 1.0 offered 2.0 on deb-ok" \
  grep -q '"name":"patchops-e2e-demo","version":"2.0"' "$W/inventory1.jsonl"

# 4. Plan, and the jobs due now.
cp -r "$ROOT/test/fixtures/ansible-e2e-linux" "$W/policy"
patchops plan --repo "$W/policy" --inventory "$W/inventory1.jsonl" --out "$W/plan1" --now "$NOW_PLAN" \
  --no-verify-approvals >"$W/plan1.log" 2>&1
check "plan exits 0" test $? = 0
check "deb-ok's job installs patchops-e2e-demo=2.0" grep -q '"host":"deb-ok".*"packages":\["patchops-e2e-demo=2.0"\]' "$W/plan1/jobs.ndjson"
mkdir -p "$W/inv/host_vars"
for host in deb-ok deb-broken deb-stage; do
  cat >"$W/inv/host_vars/$host.yml" <<EOF
ansible_connection: ssh
ansible_host: 127.0.0.1
ansible_port: ${PORT[$host]}
ansible_user: root
ansible_ssh_private_key_file: $W/id
ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ControlMaster=no
ansible_python_interpreter: /usr/bin/python3
EOF
done
groups=$(patchops deploy due --plan "$W/plan1" --now "$NOW_PLAN" --results-dir "$W/results" --out "$W/inv/due.yml" 2>"$W/due.log")
check "deploy due selects the one open window" test "$groups" = patchops_20261210t120000z_standard

# 5. The real playbook over SSH.
for group in $groups; do
  ANSIBLE_HOME="$W/ansible" ANSIBLE_LOCAL_TEMP="$W/ansible-tmp" ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False \
    timeout 900 ansible-playbook -i "$W/inv/due.yml" "$ROOT/deploy/ansible/patchops.yml" -e "window=$group" \
    -e "patchops_results_dir=$W/results" -e "patchops_now=$NOW_RUN" -v >"$W/playbook.log" 2>&1
  check "ansible-playbook ran the window (exit 0)" test $? = 0
done
check "apt upgraded patchops-e2e-demo to 2.0 on deb-ok" test "$(version_on deb-ok patchops-e2e-demo)" = 2.0
check "deb-ok's result: succeeded" grep -Eq '"status": ?"succeeded"' "$W"/results/deb-ok.*.ndjson
check "deb-broken's result: failed" grep -Eq '"status": ?"failed"' "$W"/results/deb-broken.*.ndjson
check "deb-broken's result carries apt's error" grep -q 'returned an error code' "$W"/results/deb-broken.*.ndjson
check "deb-stage (no-force) still has demo 1.0" test "$(version_on deb-stage patchops-e2e-demo)" = 1.0
# A file: repository is used in place (nothing lands in /var/cache/apt/archives): check that apt was asked to stage.
check "deb-stage ran apt-get install --download-only (rc 0)" \
  grep -q 'changed: \[deb-stage\] => {"changed": true, "cmd": \["apt-get", "install", "--download-only", "--yes", "--", "patchops-e2e-demo=2.0"\].*"rc": 0' "$W/playbook.log"
check "deb-stage's result: not-run, staged" grep -Eq '"status": ?"not-run".*"reason": ?"staged"|"reason": ?"staged".*"status": ?"not-run"' "$W"/results/deb-stage.*.ndjson
check "deb-broken's update failed with package-install-failed" \
  grep -Eq '"PATCHOPS-E2E-BROKEN=2.0": ?\{"status": ?"failed", ?"code": ?"package-install-failed"\}' "$W"/results/deb-broken.*.ndjson

# 6. Results back, a new scan, plan again.
collect "$NOW_SCAN2" "$W/inventory2.jsonl" deb-ok deb-broken deb-stage
patchops plan --repo "$W/policy" --inventory "$W/inventory2.jsonl" --results "$W"/results/*.ndjson --out "$W/plan2" \
  --now "$NOW_PLAN2" --no-verify-approvals >"$W/plan2.log" 2>&1
check "plan with the results exits 0" test $? = 0
check "deb-ok is compliant" grep -q '"host":"deb-ok","status":"compliant"' "$W/plan2/hosts.ndjson"
# The results alone, against the scan from before the run: the success counts until a scan, the failure is recorded.
# (After the run dpkg keeps patchops-e2e-broken 2.0 half-configured, status iF, which the converter counts as present.)
# --detail full: the checks below read an installed update's state, which a compact host line only counts.
patchops plan --repo "$W/policy" --inventory "$W/inventory1.jsonl" --results "$W"/results/*.ndjson --out "$W/plan3" \
  --now "$NOW_PLAN2" --no-verify-approvals --detail full >"$W/plan3.log" 2>&1
check "plan with the results and the old scan exits 0" test $? = 0
check "the results were read: deb-ok's update installed" grep -q '"host":"deb-ok".*"PATCHOPS-E2E-DEMO=2.0":"installed"' "$W/plan3/hosts.ndjson"
check "the results were read: deb-broken's update failed" grep -q '"host":"deb-broken".*"PATCHOPS-E2E-BROKEN=2.0":"failed"' "$W/plan3/hosts.ndjson"
check "deb-broken's failure is recorded" grep -q '"failures":{"PATCHOPS-E2E-BROKEN=2.0":{"code":"package-install-failed"' "$W/plan3/hosts.ndjson"
if [ "$FAIL" -gt 0 ]; then
  for f in plan1.log due.log playbook.log plan2.log plan3.log collect.log; do
    log "--- $f"
    tail -40 "$W/$f" >&2 2>/dev/null
  done
  exit 1
fi
exit 0
