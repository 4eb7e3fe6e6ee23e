#!/usr/bin/env bash
# Adoption end to end, for real, the way docs/adoption.md tells an organisation to do it: `npm pack` makes the release
# tarball, served over HTTP as a GitHub release asset would be; an empty GitHub-style repository (a bare git repository)
# installs it with npm, `patchops init` scaffolds it, the adopter adds a Linux host and its update and pushes. Then, in a
# fresh clone at another path with an empty npm cache (a CI runner), as the scaffolded workflows and the action run
# them: `npm ci`, `validate`, the reconcile step (plan, export, status branch pushed to origin, report), the notify
# step (the fake GitHub's issues, a chat webhook, SMTP, all local), and the deploy step (scripts/deploy.sh: plan with
# results, `deploy due`, the shipped playbook over SSH into a Debian root with a local apt repository, results to the
# status branch). A last plan with the results and a new scan must find the host compliant.
# Needs root (mount, chroot) on Debian or Ubuntu, like scripts/e2e-linux-loop.sh, whose setup it shares
# (scripts/e2e-lib.sh). Prints "N passed, N failed"; exit 0 only when nothing failed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/patchops-e2e-adoption.XXXXXX)
# D1-04 of the scaffold's datacenter timetable (Europe/Berlin, Thursday after Patch Tuesday) is 2026-12-10T03:00Z-07:00Z.
NOW_SCAN=2026-12-10T04:00:00Z
NOW_PLAN=2026-12-10T04:30:00Z
NOW_SCAN2=2026-12-10T05:00:00Z
NOW_PLAN2=2026-12-10T05:15:00Z
HOST=deb-01
PACKAGE=patchops-e2e-demo
E2E_NAME=e2e-adoption
# shellcheck source=scripts/e2e-lib.sh
. "$ROOT/scripts/e2e-lib.sh"
HELPER_PIDS=()
e2e_keep_logs() { cp -r "$W"/*.log "$W"/*.jsonl "$W"/servers "$W"/results "$W/runner/ci/checkout/out" "$E2E_LOGS/" 2>/dev/null; }
adoption_finish() {
  for pid in "${HELPER_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${HELPER_PIDS[@]}"; do timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null; done
  e2e_finish
}
trap adoption_finish EXIT
e2e_tools
wait_for() { # wait_for FILE-OR-PORT-TEST...: up to 30 s
  for _ in $(seq 1 150); do "$@" 2>/dev/null && return 0; sleep 0.2; done
  return 1
}
VERSION=$(node -p "require('$ROOT/package.json').version") || die "no version in package.json"

# 1. The release tarball (npm pack runs prepare: a fresh build), served over HTTP.
mkdir -p "$W/release"
(cd "$ROOT" && timeout 600 npm pack --silent --pack-destination "$W/release" >"$W/pack.log" 2>&1) || die "npm pack: $(tail -20 "$W/pack.log")"
TARBALL=patchops-$VERSION.tgz
[ -f "$W/release/$TARBALL" ] || die "npm pack wrote no $TARBALL"
HTTP_PORT=$(spare_port)
python3 -m http.server --bind 127.0.0.1 --directory "$W/release" "$HTTP_PORT" >"$W/http.log" 2>&1 &
HELPER_PIDS+=($!)
wait_for bash -c "exec 3<>/dev/tcp/127.0.0.1/$HTTP_PORT" || die "the release server did not listen"
RELEASE_URL=http://127.0.0.1:$HTTP_PORT/$TARBALL

# 2. The Linux host the fleet has: a Debian root with demo 1.0 installed and 2.0 in its apt repository.
build_deb "$PACKAGE" 1.0
build_deb "$PACKAGE" 2.0
finish_repo
start_root "$HOST" "$PACKAGE"

# 3. The adopter: an empty repository on "GitHub", a clone, install the release, init, their own host, push.
NPM_CACHE=$(npm config get cache)
export HOME="$W/home" npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
mkdir -p "$HOME"
git config --global user.name "Adopter" && git config --global user.email "adopter@example.invalid"
git config --global init.defaultBranch main
git init -q --bare "$W/origin.git" || die "git init --bare"
git clone -q "$W/origin.git" "$W/adopter" 2>/dev/null || die "git clone of the empty repository"
cd "$W/adopter" || die "no clone"
npm init -y >/dev/null || die "npm init"
# The adopter's machine has a warm npm cache (the runner below starts from an empty one).
npm install --save-dev --save-exact --prefer-offline --cache "$NPM_CACHE" "$RELEASE_URL" \
  >"$W/install.log" 2>&1
check "npm install of the release tarball URL exits 0" test $? = 0
npx --no-install patchops init >"$W/init.log" 2>&1
check "patchops init exits 0 and keeps the adopter's package.json" grep -q "kept your package.json" "$W/init.log"
# The example hosts give way to the adopter's own (docs/adoption.md, step 1).
rm windows/assignments/app-team.yaml
cat >windows/assignments/linux-team.yaml <<'EOF'
# yaml-language-server: $schema=../../node_modules/patchops/schemas/assignment.json
apiVersion: patchops/v1
kind: Assignment
metadata:
  name: linux-team
spec:
  owner: linux-team
  contacts: [linux-team@example.invalid]
  timetable: datacenter
  hosts:
    - { name: deb-01, period: D1-04, role: db }
EOF
cat >policies/updates/patchops-e2e-demo-2.0.yaml <<'EOF'
# yaml-language-server: $schema=../../node_modules/patchops/schemas/update.json
apiVersion: patchops/v1
kind: Update
metadata:
  name: patchops-e2e-demo-2.0
spec:
  id: patchops-e2e-demo=2.0
  title: patchops end-to-end test package demo, version 2.0
  vendor: Debian
  classification: security
  severity: important
  released: 2026-12-04
  decision: approved
  pilot: false
EOF
# deploy/connection.yml as docs/operations.md tells the adopter to fill it: the host under its transport's group.
python3 - "$HOST" "${PORT[$HOST]}" <<'EOF' || die "editing deploy/connection.yml"
import sys
path = "deploy/connection.yml"
text = open(path).read()
old = "  # hosts:\n  #   db-01:\n"
assert old in text, "the scaffold's connection.yml changed: update scripts/e2e-adoption.sh"
host, port = sys.argv[1], sys.argv[2]
new = (f"  hosts:\n    {host}:\n      ansible_host: 127.0.0.1\n      ansible_port: {port}\n"
       "      ansible_become: false # the SSH user is root here\n"
       "      ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ControlMaster=no\n"
       "      ansible_python_interpreter: /usr/bin/python3\n")
open(path, "w").write(text.replace(old, new))
EOF
npx --no-install patchops codeowners --write >"$W/codeowners.log" 2>&1 || die "codeowners --write: $(cat "$W/codeowners.log")"
git add -A && git commit -q -m "patchops init, and our Linux host" && git push -q origin main 2>"$W/push.log" ||
  die "commit and push: $(cat "$W/push.log")"
# (npm init put the adopter's own remote in package.json's repository: only what npm installs matters here.)
no_local_path() {
  node -e '
    const [root, work, url] = process.argv.slice(1);
    const pkg = require(process.cwd() + "/package.json"), lock = require(process.cwd() + "/package-lock.json");
    const specs = [pkg.dependencies, pkg.devDependencies, lock.packages[""].devDependencies].flatMap((d) => Object.values(d || {}));
    const resolved = Object.values(lock.packages).map((p) => p.resolved).filter(Boolean);
    const local = [...specs, ...resolved].filter((s) => s.startsWith("file:") || s.includes(root) || s.includes(work));
    if (local.length) console.error("local paths:", local);
    process.exit(pkg.devDependencies.patchops === url && local.length === 0 ? 0 : 1);
  ' "$ROOT" "$W" "$RELEASE_URL"
}
locked_to_release() { grep -A3 '"node_modules/patchops"' package-lock.json | grep -q "\"resolved\": \"$RELEASE_URL\""; }
check "package.json pins the release URL; no file: or local path in package.json or package-lock.json" no_local_path
check "package-lock.json resolves patchops from the release URL" locked_to_release

# 4. The CI runner: a fresh clone at another depth, an empty npm cache, npm ci, then the workflows' steps.
mkdir -p "$W/runner/ci"
git clone -q "$W/origin.git" "$W/runner/ci/checkout" || die "clone on the runner"
cd "$W/runner/ci/checkout" || die "no runner checkout"
timeout 600 npm ci --cache "$W/runner/empty-npm-cache" >"$W/npm-ci.log" 2>&1
check "npm ci on a fresh clone with an empty npm cache exits 0" test $? = 0
ACTION="$PWD/node_modules/patchops" # uses: ./node_modules/patchops
PATCHOPS_CMD="node $ACTION/bin/patchops.js"
export PATCHOPS_CMD GITHUB_ACTION_PATH="$ACTION"
$PATCHOPS_CMD validate >"$W/validate.log" 2>&1
check "validate exits 0" test $? = 0
check "validate read the 7 documents" grep -q "✓ 7 documents valid" "$W/validate.log"

# The runner's latest scan of the fleet: the Linux host, collected over SSH with the release's collector.
COLLECTOR="$ACTION/deploy/collect/linux.sh"
check "the release ships the Linux collector" test -s "$COLLECTOR"
collect "$NOW_SCAN" "$W/scan1.jsonl" "$HOST"

# The reconcile workflow's step (action.yml: git identity, then scripts/reconcile.sh).
(
  git config user.name >/dev/null || git config user.name "patchops[bot]"
  git config user.email >/dev/null || git config user.email "patchops@users.noreply.github.com"
  PATCHOPS_INVENTORY_PATH="$W/scan1.jsonl" PATCHOPS_VERIFY=off PATCHOPS_STATUS_REMOTE=origin \
    PATCHOPS_NOW="$NOW_PLAN" timeout 300 bash "$ACTION/scripts/reconcile.sh"
) >"$W/reconcile.log" 2>&1
check "the reconcile step exits 0" test $? = 0
check "plan wrote deb-01's job: install $PACKAGE=2.0" \
  grep -q "\"host\":\"$HOST\".*\"packages\":\[\"$PACKAGE=2.0\"\]" out/plan/jobs.ndjson
check "report wrote the status site" test -s out/site/index.html
check "the site has a page naming deb-01" grep -rlq "$HOST" out/site
check "the status snapshot was pushed to origin's patchops-status" \
  git --git-dir="$W/origin.git" rev-parse -q --verify refs/heads/patchops-status

# The notify step (action.yml: notify-github-issues, notify-webhook, notify-smtp), against the local servers.
mkdir -p "$W/servers"
(cd "$ROOT" && exec node --import tsx test/e2e/adoption-servers.ts "$W/servers") >"$W/servers.log" 2>&1 &
HELPER_PIDS+=($!)
wait_for test -s "$W/servers/ports.json" || die "the local servers did not start: $(cat "$W/servers.log")"
port_of() { node -p "require('$W/servers/ports.json').$1"; }
notify() { # notify PLAN: the action's notify command line
  mkdir -p ~/.cache/patchops
  GITHUB_TOKEN=ghs_e2etoken GITHUB_REPOSITORY=acme/patch-policy GITHUB_API_URL="$(port_of github)" \
    PATCHOPS_RETRY_SCALE=0.01 timeout 120 $PATCHOPS_CMD notify --plan "$1" \
    --state ~/.cache/patchops/notifications.json --github-issues --webhook "$(port_of webhook)/slack" \
    --webhook-format slack --smtp "smtp://127.0.0.1:$(port_of smtp)" --mail-from patchops@example.invalid \
    --interval-ms 0
}
notify out/plan >"$W/notify.log" 2>&1
check "the notify step exits 0" test $? = 0
received() { node -e 'const r = require(process.argv[1]); process.exit(eval(process.argv[2]) ? 0 : 1)' "$W/servers/received.json" "$1"; }
sleep 0.5 # the servers save what they received every 200 ms
check "an issue was opened for linux-team on GitHub" \
  received 'r.issues.some((i) => i.state === "open" && i.title === "patchops: linux-team has 1 of 1 hosts needing updates")'
check "the chat webhook received linux-team's message" \
  received 'r.posts.some((p) => p.path === "/slack" && p.body.text.startsWith("patchops: linux-team has 1 of 1 hosts"))'
check "a mail reached linux-team@example.invalid" \
  received 'r.mails.some((m) => m.to.includes("linux-team@example.invalid") && m.from === "patchops@example.invalid" && m.data.includes("deb-01"))'

# The deploy workflow's step (action.yml: scripts/deploy.sh with the action's inputs) on the runner that reaches
# the fleet: the credentials come from the environment, as the workflow fills them from secrets.
(
  PATCHOPS_INVENTORY_PATH="$W/scan1.jsonl" PATCHOPS_RESULTS_DIR="$W/results" \
    PATCHOPS_CONNECTION_INVENTORY=deploy/connection.yml PATCHOPS_VERIFY=off PATCHOPS_STATUS_REMOTE=origin \
    PATCHOPS_PACKAGE_DIR="$ACTION" PATCHOPS_NOW="$NOW_PLAN" PATCHOPS_PLAYBOOK_ARGS="-e patchops_now=$NOW_PLAN" \
    PATCHOPS_SSH_USER=root PATCHOPS_SSH_KEY_FILE="$W/id" \
    ANSIBLE_HOME="$W/ansible" ANSIBLE_LOCAL_TEMP="$W/ansible-tmp" ANSIBLE_NOCOLOR=1 \
    timeout 900 bash "$ACTION/scripts/deploy.sh"
) >"$W/deploy.log" 2>&1
check "the deploy step exits 0" test $? = 0
check "deploy due exported deb-01's open window" grep -q "patchops_20261210t030000z_standard" out/ansible-inventory.yml
check "the playbook changed deb-01 and failed nothing" \
  grep -Eq "^deb-01 +: ok=[0-9]+ +changed=[1-9][0-9]* +unreachable=0 +failed=0" "$W/deploy.log"
check "apt upgraded $PACKAGE to 2.0 on deb-01" test "$(version_on "$HOST" "$PACKAGE")" = 2.0
check "deb-01's job result: succeeded" grep -Eq '"status": ?"succeeded"' "$W"/results/"$HOST".*.ndjson

# 5. The next run: a new scan and the results; the host is compliant, and its owners are told.
collect "$NOW_SCAN2" "$W/scan2.jsonl" "$HOST"
$PATCHOPS_CMD plan --inventory "$W/scan2.jsonl" --results "$W"/results/*.ndjson --out out/plan2 --now "$NOW_PLAN2" \
  --no-verify-approvals >"$W/plan2.log" 2>&1
check "the plan with the results exits 0" test $? = 0
check "deb-01 is compliant" grep -q "\"host\":\"$HOST\",\"status\":\"compliant\"" out/plan2/hosts.ndjson
notify out/plan2 >"$W/notify2.log" 2>&1
check "linux-team's issue is closed" grep -q "issue closed for linux-team" "$W/notify2.log"

if [ "$FAIL" -gt 0 ]; then
  for f in install.log init.log npm-ci.log validate.log reconcile.log notify.log servers.log deploy.log plan2.log notify2.log; do
    log "--- $f"
    tail -40 "$W/$f" >&2 2>/dev/null
  done
  exit 1
fi
exit 0
