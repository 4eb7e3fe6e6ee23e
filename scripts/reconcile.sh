#!/usr/bin/env bash
# The scheduled reconciliation, exactly as .github/workflows/reconcile.yml runs it (and as the tests run it):
# obtain the inventory, plan, export for Ansible, write the step summary, append a snapshot to the status branch.
set -euo pipefail

out="${PATCHOPS_OUT:-out}"
patchops="${PATCHOPS_CMD:-npx --no-install patchops}"
mkdir -p "$out"

# 1. The inventory: a command you configure, a path (in this repository or downloaded as an artifact), or the example.
inventory="$out/inventory.jsonl"
if [ -n "${PATCHOPS_INVENTORY_COMMAND:-}" ]; then
  bash -c "$PATCHOPS_INVENTORY_COMMAND" > "$inventory.partial"
  mv "$inventory.partial" "$inventory"
elif [ -n "${PATCHOPS_INVENTORY_PATH:-}" ]; then
  inventory="$PATCHOPS_INVENTORY_PATH"
else
  inventory="examples/inventory.jsonl"
fi

args=()
if [ "${PATCHOPS_VERIFY:-on}" = "off" ]; then args+=(--no-verify-approvals); fi
if [ -n "${PATCHOPS_NOW:-}" ]; then args+=(--now "$PATCHOPS_NOW"); fi

# 2. Plan, 3. export, 4. summary: each writes its files atomically.
# A plan with error findings (e.g. an unverified approval) still plans everything verified and exits 1: the run goes on
# exporting, recording and publishing it, and fails at the very end so the findings are not missed.
plan_rc=0
$patchops plan --inventory "$inventory" --out "$out/plan" --format markdown "${args[@]}" > "$out/summary.md" || plan_rc=$?
if [ "$plan_rc" -ne 0 ] && { [ "$plan_rc" -ne 1 ] || [ ! -s "$out/summary.md" ]; }; then
  echo "patchops: plan failed (exit $plan_rc); nothing exported" >&2
  exit "$plan_rc"
fi
$patchops export ansible --plan "$out/plan" --out "$out/ansible-inventory.yml"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"; fi

# 5. One commit on the status branch; it moves only when the whole snapshot is written.
record=(status record --plan "$out/plan" --branch "${PATCHOPS_STATUS_BRANCH:-patchops-status}")
if [ -n "${PATCHOPS_STATUS_REMOTE:-}" ]; then record+=(--remote "$PATCHOPS_STATUS_REMOTE"); fi
$patchops "${record[@]}"

# 6. The status site, compliance and metrics (with this run's snapshot), and a digest per owner.
$patchops report --plan "$out/plan" --out "$out/site" --history "${PATCHOPS_STATUS_BRANCH:-patchops-status}"

if [ "$plan_rc" -ne 0 ]; then
  echo "patchops: the plan has error findings (see $out/summary.md); everything verified was exported, recorded and published" >&2
  exit "$plan_rc"
fi
