#!/usr/bin/env bash
# One deploy turn on a runner that reaches the fleet (the action's `deploy` command, on a schedule): plan with the job
# results so far, select the jobs due now (`patchops deploy due`: window open, no result yet), run the playbook for
# each of their groups, then record the results on the status branch.
set -euo pipefail

out="${PATCHOPS_OUT:-out}"
patchops="${PATCHOPS_CMD:-npx --no-install patchops}"
package="${PATCHOPS_PACKAGE_DIR:-node_modules/patchops}"
playbook="$package/deploy/ansible/patchops.yml"
inventory="${PATCHOPS_INVENTORY_PATH:?set PATCHOPS_INVENTORY_PATH to the latest scanned inventory}"
results_dir="${PATCHOPS_RESULTS_DIR:?set PATCHOPS_RESULTS_DIR to a folder on the runner that is kept between runs}"
connection="${PATCHOPS_CONNECTION_INVENTORY:-deploy/connection.yml}"
now="${PATCHOPS_NOW:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
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

# The jobs due now: every job whose window is open at $now and that no result has ended yet, whatever hour its window
# opened in (a window already open when the job first appeared, a half-hour zone). The playbook's gate refuses a job
# outside its window, or one that does not match plan.json, and records that as a not-run result.
due_rc=0
groups="$($patchops deploy due --plan "$out/plan" --now "$now" --results-dir "$results_dir" \
  --out "$out/ansible-inventory.yml" 2> "$out/deploy-due.txt")" || due_rc=$?
cat "$out/deploy-due.txt"
if [ "$due_rc" -gt 1 ]; then
  echo "patchops deploy: selecting the due jobs failed (exit $due_rc); nothing deployed" >&2
  exit "$due_rc"
fi

# The policy's rollout.maxConcurrency, as plan.json records it: how many hosts of a window start at a time.
serial="$(node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const c = p.rollout && p.rollout.maxConcurrency; if (c !== undefined) console.log(String(c));' "$out/plan/plan.json")"
waves=()
if [ -n "$serial" ]; then waves=(-e "patchops_serial=$serial"); fi

inventories=(-i "$out/ansible-inventory.yml")
if [ -f "$connection" ]; then inventories+=(-i "$connection"); fi
read -r -a extra <<< "${PATCHOPS_PLAYBOOK_ARGS:-}"
failed=0
for group in $groups; do
  # One failed window must not hide the others: its failures are in the results, and the next plan retries them.
  ansible-playbook "${inventories[@]}" "$playbook" -e window="$group" -e patchops_results_dir="$results_dir" \
    "${waves[@]}" "${extra[@]}" || failed=$((failed + 1))
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
