// Runs the real ansible-playbook on deploy/ansible/patchops.yml on the control node (connection local), with the
// stand-in ansible.windows modules recording their calls (test/fixtures/ansible-standin).
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { FIXTURES, ROOT } from "../helpers/repo.js";

const run = promisify(execFile);
export const PLAYBOOK = join(ROOT, "deploy", "ansible", "patchops.yml");
export const STANDIN = join(FIXTURES, "ansible-standin");

export interface Call {
  module: string;
  args: Record<string, unknown>;
}

export interface PlaybookRun {
  stdout: string;
  calls: Call[];
}

export const lines = <T>(text: string) =>
  text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

/**
 * `extra.PATCHOPS_NOW` becomes -e patchops_now (the control node's clock for the gate and the results); `vars` are
 * more -e pairs (JSON values). Every other `extra` entry goes into the environment (stand-in failures, logs).
 */
export async function playbook(
  dir: string,
  inventory: string,
  window: string,
  extra: Record<string, string> = {},
  vars: Record<string, unknown> = {},
): Promise<PlaybookRun> {
  const log = join(dir, `${window}.calls.ndjson`);
  const env = {
    ...process.env,
    ANSIBLE_COLLECTIONS_PATH: STANDIN,
    // One home and temp folder per run: parallel runs must not share Ansible's module cache.
    ANSIBLE_HOME: join(dir, `.ansible-${window}`),
    ANSIBLE_LOCAL_TEMP: join(dir, `.ansible-tmp-${window}`),
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_STDOUT_CALLBACK: "ansible.posix.json",
    PATCHOPS_STANDIN_LOG: log,
    LOOP_LOG: join(dir, "commands.log"),
    ...extra,
  };
  const args = [
    "-i",
    inventory,
    PLAYBOOK,
    "-e",
    `window=${window}`,
    "-e",
    `patchops_results_dir=${join(dir, "results")}`,
  ];
  args.push("-e", "ansible_connection=local", "-e", "ansible_python_interpreter=/usr/bin/python3");
  if (extra.PATCHOPS_NOW) args.push("-e", `patchops_now=${extra.PATCHOPS_NOW}`);
  if (Object.keys(vars).length > 0) args.push("-e", JSON.stringify(vars));
  const r = await run("ansible-playbook", args, { env, cwd: dir, maxBuffer: 64 << 20 }).catch(
    (err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`${err.message}\n${err.stderr}\n${err.stdout?.slice(-6000)}`);
    },
  );
  const calls = lines<Call>(await readFile(log, "utf8").catch(() => ""));
  return { stdout: r.stdout, calls };
}
