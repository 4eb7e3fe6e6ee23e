// The Windows collector's tests: its Pester suite in real PowerShell, the record lines that suite produced checked
// against the agent-scan record contract, and windows.ps1 itself run where Windows is absent (every source fails).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, hostname, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InventoryRecord } from "../../reconciler/model/inventory.js";
import { ROOT } from "../helpers/repo.js";

const run = promisify(execFile);
const COLLECT = join(ROOT, "deploy", "collect");
const TOOLS = JSON.parse(readFileSync(join(COLLECT, "tests", "tools.json"), "utf8")) as {
  powershell: string;
  pester: string;
};
const SETUP = `run \`npm run setup\` (dotnet tool install --global PowerShell --version ${TOOLS.powershell}; Pester ${TOOLS.pester} from NuGet)`;

/** pwsh on PATH, else where `dotnet tool install --global` puts it. */
function findPwsh(): string | undefined {
  const name = process.platform === "win32" ? "pwsh.exe" : "pwsh";
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), join(homedir(), ".dotnet", "tools")];
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** Where scripts/setup.sh unpacks Pester. */
function pesterModule(): string {
  const data = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(data, "patchops", "pwsh-modules", "Pester", TOOLS.pester, "Pester.psd1");
}

const psQuote = (s: string) => `'${s.replaceAll("'", "''")}'`;

// --- the agent-scan record contract (docs/collectors.md, docs/applicability.md): the zod InventoryRecord itself ---
const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
type Json = Record<string, unknown>;

/** What is wrong with one record line under the contract (empty: nothing). */
function checkAgentRecord(line: string): string[] {
  const problems: string[] = [];
  const record = JSON.parse(line) as unknown;
  if (typeof record !== "object" || record === null || Array.isArray(record)) return ["not an object"];
  const parsed = InventoryRecord.safeParse(record);
  if (!parsed.success) for (const i of parsed.error.issues) problems.push(`${i.path.join(".")}: ${i.message}`);
  const scannedAt = (record as { scannedAt?: unknown }).scannedAt;
  if (typeof scannedAt !== "string" || !UTC.test(scannedAt)) problems.push("scannedAt: not UTC seconds");
  const { agentScan, scanErrors } = record as Json;
  if (agentScan !== undefined && Array.isArray(scanErrors) && scanErrors.some((e) => (e as Json).source === "wua"))
    problems.push("agentScan present although the agent's search failed (scanErrors has a wua entry)");
  return problems;
}

// --- the runs ------------------------------------------------------------------------------------------------------
const pwsh = findPwsh();
const pester = pesterModule();
const ready = pwsh !== undefined && existsSync(pester);
let work = "";
let output: { code: number; stdout: string; stderr: string } | undefined;

async function runPwsh(args: string[], env: NodeJS.ProcessEnv) {
  if (!pwsh) throw new Error("no pwsh");
  return run(pwsh, ["-NoProfile", "-NonInteractive", ...args], { env, maxBuffer: 16 << 20, timeout: 180_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: Error & { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof e.code === "number" ? e.code : -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? e.message,
    }),
  );
}

beforeAll(async () => {
  if (!ready) return;
  work = mkdtempSync(join(tmpdir(), "patchops-collector-"));
  const env = { ...process.env, PATCHOPS_COLLECTOR_OUT: join(work, "records.jsonl") };
  // One PowerShell for both (it starts slowly): the Pester suite, whose own report goes to the information stream,
  // then windows.ps1 itself, which off Windows finds no COM, CIM or registry, so every Windows source fails. Its record
  // line comes first on stdout, the JSON summary of the Pester run last.
  const script = [
    `Import-Module -Name ${psQuote(pester)} -RequiredVersion ${TOOLS.pester}`,
    "$c = New-PesterConfiguration",
    `$c.Run.Path = ${psQuote(join(COLLECT, "tests"))}`,
    "$c.Run.PassThru = $true",
    "$c.Output.Verbosity = 'None'",
    "$r = Invoke-Pester -Configuration $c",
    "$failed = @($r.Failed | ForEach-Object { $_.ExpandedPath + ': ' + (@($_.ErrorRecord | ForEach-Object { $_.ToString() }) -join ' | ') })",
    process.platform === "win32" ? "" : `& ${psQuote(join(COLLECT, "windows.ps1"))}`,
    "[Console]::Out.WriteLine((ConvertTo-Json -Compress -InputObject ([ordered]@{ passed = $r.PassedCount; failed = $r.FailedCount; failures = $failed })))",
  ].join("\n");
  output = await runPwsh(["-Command", script], env);
}, 200_000);

const stdoutLines = () => (output?.stdout ?? "").trim().split("\n");

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the Windows collector (deploy/collect)", () => {
  it("passes its Pester tests in PowerShell", () => {
    if (!pwsh) throw new Error(`pwsh (PowerShell 7) not found on PATH or in ~/.dotnet/tools: ${SETUP}`);
    if (!existsSync(pester)) throw new Error(`Pester ${TOOLS.pester} not found at ${pester}: ${SETUP}`);
    expect(output?.stderr).toBe("");
    const lines = stdoutLines();
    const summary = JSON.parse(lines[lines.length - 1] ?? "{}") as {
      passed: number;
      failed: number;
      failures: string[];
    };
    expect(summary.failures).toEqual([]);
    expect(summary.failed).toBe(0);
    expect(summary.passed).toBeGreaterThanOrEqual(26);
    expect(output?.code).toBe(0);
  });

  // Without PowerShell or Pester only the first test fails, with the one line naming the setup.
  it.skipIf(!ready)("writes record lines that keep the agent-scan contract", () => {
    const lines = readFileSync(join(work, "records.jsonl"), "utf8").trim().split("\n");
    // The six whole-record tests of PatchopsCollector.Tests.ps1.
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(line).toMatch(/^[\x20-\x7e]+$/);
      expect(checkAgentRecord(line)).toEqual([]);
    }
    const records = lines.map((l) => JSON.parse(l) as Json);
    expect(records.filter((r) => r.agentScan !== undefined)).toHaveLength(3);
    expect(records.filter((r) => r.scanErrors !== undefined)).toHaveLength(3);
  });

  it("the contract check finds what breaks the contract", () => {
    const good = {
      host: "web-red-001",
      scannedAt: "2026-11-20T04:00:00Z",
      os: { family: "windows", version: "10.0.20348.2322" },
      installed: [],
      pendingReboot: false,
      products: [],
      features: [],
      agent: { name: "Windows Update Agent", healthy: true },
      agentScan: {
        source: "wsus",
        completedAt: "2026-11-20T04:00:10Z",
        updates: [
          {
            kbs: ["KB5026372"],
            updateId: "0b97c243-5833-4bf3-bcf8-77063e53c42a",
            revision: 1,
            title: "2023-05 Cumulative Update for Windows 11 Version 22H2 for arm64-based Systems (KB5026372)",
            installed: false,
            classification: "security",
            severity: "critical",
            products: ["Windows 11"],
            reboot: "can-request",
            downloaded: true,
            hotpatch: false,
            supersedes: [],
            released: "2023-05-09",
          },
        ],
      },
    };
    expect(checkAgentRecord(JSON.stringify(good))).toEqual([]);
    const update = good.agentScan.updates[0]!;
    const broken: [string, unknown][] = [
      [
        "agentScan.updates.0.severity",
        { ...good, agentScan: { ...good.agentScan, updates: [{ ...update, severity: "Critical" }] } },
      ],
      [
        "agentScan.updates.0.reboot",
        { ...good, agentScan: { ...good.agentScan, updates: [{ ...update, reboot: 2 }] } },
      ],
      [
        "agentScan.updates.0.updateId",
        {
          ...good,
          agentScan: { ...good.agentScan, updates: [{ ...update, updateId: "0B97C243-5833-4BF3-BCF8-77063E53C42A" }] },
        },
      ],
      ["agentScan present although", { ...good, scanErrors: [{ source: "wua", message: "x", code: "0x80070422" }] }],
      ["scanErrors.0.source", { ...good, agentScan: undefined, scanErrors: [{ source: "os", message: "x" }] }],
      ["scannedAt", { ...good, scannedAt: "2569-11-20T04.00.00Z" }],
      ["os.version", { ...good, os: { family: "windows" } }],
    ];
    for (const [expected, record] of broken)
      expect(checkAgentRecord(JSON.stringify(record)).join("\n")).toContain(expected);
  });

  it.skipIf(!ready || process.platform === "win32")(
    "windows.ps1 still prints its record when no Windows source answers",
    () => {
      const lines = stdoutLines();
      expect(lines).toHaveLength(2);
      const record = JSON.parse(lines[0]!) as Json & { agent: Json; scanErrors: { source: string; message: string }[] };
      expect(record.host).toBe(hostname().toLowerCase());
      expect(record.agentScan).toBeUndefined();
      expect(record.agent.healthy).toBe(false);
      expect(new Set(record.scanErrors.map((e) => e.source))).toEqual(
        new Set(["registry", "wua", "qfe", "history", "products", "features", "reboot"]),
      );
    },
  );
});
