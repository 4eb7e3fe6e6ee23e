#!/usr/bin/env bash
# One deploy turn on a runner that reaches the fleet (the action's `deploy` command, hourly): plan with the job
# results so far, export for Ansible, run the playbook for every window group that opens this hour and for the
# isolate, notify and healthcheck groups, then record the results on the status branch.
set -euo pipefail

out="${PATCHOPS_OUT:-out}"
patchops="${PATCHOPS_CMD:-npx --no-install patchops}"
package="${PATCHOPS_PACKAGE_DIR:-node_modules/patchops}"
playbook="$package/deploy/ansible/patchops.yml"
inventory="${PATCHOPS_INVENTORY_PATH:?set PATCHOPS_INVENTORY_PATH to the latest scanned inventory}"
results_dir="${PATCHOPS_RESULTS_DIR:?set PATCHOPS_RESULTS_DIR to a folder on the runner that is kept between runs}"
connection="${PATCHOPS_CONNECTION_INVENTORY:-deploy/connection.yml}"
now="${PATCHOPS_NOW:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
# Window groups are named patchops_<start as yyyymmddthhmmssz>_<kind>: the ones opening in this UTC hour run, and
# the isolate, notify and healthcheck groups whenever the export has them.
hour="patchops_${now:0:4}${now:5:2}${now:8:2}t${now:11:2}"
mkdir -p "$out" "$results_dir"

shopt -s nullglob
results=("$results_dir"/*.ndjson)
with_results=()
if [ ${#results[@]} -gt 0 ]; then with_results=(--results "${results[@]}"); fi
args=(--now "$now")
if [ "${PATCHOPS_VERIFY:-on}" = "off" ]; then args+=(--no-verify-approvals); fi

# Exit 1 is a plan with error findings that still planned everything verified; anything else stops the turn.
plan_rc=0
$patchops plan --inventory "$inventory" "${with_results[@]}" --out "$out/plan" "${args[@]}" > /dev/null || plan_rc=$?
if [ "$plan_rc" -gt 1 ]; then
  echo "patchops deploy: plan failed (exit $plan_rc); nothing deployed" >&2
  exit "$plan_rc"
fi

# ▶ DUE-JOB COMMAND: when `patchops export ansible --due` (with its time guard) ships, replace the next line with
# ▶   $patchops export ansible --due --now "$now" --plan "$out/plan" --out "$out/ansible-inventory.yml"
# ▶ and the hour filter below with every group of that export.
$patchops export ansible --plan "$out/plan" --out "$out/ansible-inventory.yml"
groups="$(ansible-inventory -i "$out/ansible-inventory.yml" --list |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const groups = Object.keys(JSON.parse(s)).sort();
    for (const g of groups) if (g.startsWith(process.argv[1])) console.log(g);
    for (const g of ["patchops_isolate", "patchops_notify", "patchops_healthcheck"]) if (groups.includes(g)) console.log(g);
  })' "$hour")"

inventories=(-i "$out/ansible-inventory.yml")
if [ -f "$connection" ]; then inventories+=(-i "$connection"); fi
read -r -a extra <<< "${PATCHOPS_PLAYBOOK_ARGS:-}"
failed=0
for group in $groups; do
  # One failed window must not hide the others: its failures are in the results, and the next plan retries them.
  ansible-playbook "${inventories[@]}" "$playbook" -e window="$group" -e patchops_results_dir="$results_dir" \
    "${extra[@]}" || failed=$((failed + 1))
done

results=("$results_dir"/*.ndjson)
with_results=()
if [ ${#results[@]} -gt 0 ]; then with_results=(--results "${results[@]}"); fi
record=(status record --plan "$out/plan" "${with_results[@]}" --branch "${PATCHOPS_STATUS_BRANCH:-patchops-status}")
if [ -n "${PATCHOPS_STATUS_REMOTE:-}" ]; then record+=(--remote "$PATCHOPS_STATUS_REMOTE"); fi
$patchops "${record[@]}"

if [ "$failed" -gt 0 ]; then
  echo "patchops deploy: $failed playbook run(s) failed; their job results are recorded and the next plan retries them" >&2
  exit 1
fi
