// A deterministic fleet generator (seeded): a realistic policy repository and a scanned inventory of N hosts.
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** mulberry32: a small, fast, seeded PRNG, so the same seed gives the same fleet. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OSES = [
  { name: "Windows Server 2016", version: "10.0.14393", weight: 0.2 },
  { name: "Windows Server 2019", version: "10.0.17763", weight: 0.35 },
  { name: "Windows Server 2022", version: "10.0.20348", weight: 0.4 },
  { name: "Windows Server 2025", version: "10.0.26100", weight: 0.05 },
];
const PRODUCTS = [
  { name: "SQL Server 2019", version: "15.0.4355.3", share: 0.15 },
  { name: "SQL Server 2022", version: "16.0.4135.4", share: 0.1 },
  { name: "Exchange Server 2019", version: "15.2.1544.4", share: 0.02 },
  { name: ".NET Framework 4.8", version: "4.8.9032", share: 0.6 },
];
const ROLES = ["app", "web", "sql", "file", "dc", "build"];

export interface FleetSpec {
  hosts: number;
  updates: number;
  seed?: number;
  /** Every host distinct: 250–300 installed ids from a catalogue of a few thousand, OS builds spread wide (issue 33). */
  diverse?: boolean;
}

export interface FleetUpdate {
  id: string;
  os?: string;
  product?: string;
  supersedes?: string;
  requires?: string;
  decision: "approved" | "rejected" | null;
  severity: "critical" | "important" | "moderate" | "low";
  released: string;
  /** The OS builds it applies to (the diverse fleet: a fix that only some builds of one OS need). */
  osVersions?: string;
}

/** The update catalog: per OS and product a monthly chain, with servicing-stack prerequisites. */
export function catalog(m: number, rand: () => number): FleetUpdate[] {
  const out: FleetUpdate[] = [];
  const streams = [
    ...OSES.map((o) => ({ os: o.name, product: undefined as string | undefined })),
    ...PRODUCTS.map((p) => ({ os: undefined as string | undefined, product: p.name })),
  ];
  const perStream = Math.ceil(m / streams.length);
  let kb = 5_000_000;
  for (const s of streams) {
    let prev: string | undefined;
    for (let i = 0; i < perStream && out.length < m; i++) {
      const id = `KB${kb++}`;
      const day = new Date(Date.UTC(2024, 0, 9) + i * 86_400_000 * 3).toISOString().slice(0, 10);
      const r = rand();
      const ssu = s.os && i % 12 === 0 && prev ? prev : undefined;
      out.push({
        id,
        os: s.os,
        product: s.product,
        // Cumulative updates: each supersedes the one before it.
        supersedes: prev,
        requires: ssu,
        decision: r < 0.9 ? "approved" : r < 0.93 ? "rejected" : null,
        severity: r < 0.05 ? "critical" : r < 0.6 ? "important" : r < 0.9 ? "moderate" : "low",
        released: day,
      });
      prev = id;
    }
  }
  return out;
}

function updateYaml(u: FleetUpdate): string {
  const applies = u.os
    ? `{ os: [{ family: windows, names: ["${u.os}"]${u.osVersions ? `, versions: "${u.osVersions}"` : ""} }] }`
    : `{ products: [{ name: "${u.product}" }] }`;
  return `apiVersion: patchops/v1
kind: Update
metadata:
  name: ${u.id.toLowerCase()}
spec:
  id: ${u.id}
  title: Generated update ${u.id}
  classification: security
  severity: ${u.severity}
  released: ${u.released}
${u.decision ? `  decision: ${u.decision}\n` : ""}  timeline: standard
  pilot: false
  appliesTo: ${applies}
${u.supersedes ? `  supersedes: [${u.supersedes}]\n` : ""}${u.requires ? `  requires: [${u.requires}]\n` : ""}  restart: required
`;
}

export async function writePolicy(
  dir: string,
  updates: FleetUpdate[],
  hosts: number,
  rand: () => number,
): Promise<void> {
  for (const d of ["policies/updates", "windows/timetables", "windows/assignments", "baselines"])
    await mkdir(join(dir, d), { recursive: true });
  await writeFile(
    join(dir, "policies/policy.yaml"),
    "apiVersion: patchops/v1\nkind: PatchPolicy\nmetadata:\n  name: bench\nspec:\n  escalation: { afterHours: 24, action: notify }\n  staleAfterHours: 24\n",
  );
  await writeFile(
    join(dir, "policies/cab.yaml"),
    "apiVersion: patchops/v1\nkind: ChangeAdvisoryBoard\nmetadata:\n  name: cab\nspec:\n  members: [alice, bob, carol]\n",
  );
  await writeFile(
    join(dir, "windows/timetables/dc.yaml"),
    "apiVersion: patchops/v1\nkind: Timetable\nmetadata:\n  name: dc\nspec:\n  timeZone: America/Los_Angeles\n  cycle: { anchor: { weekday: tuesday, nth: 2 }, offsetDays: 2 }\n",
  );
  for (let i = 0; i < updates.length; i += 200)
    await Promise.all(
      updates
        .slice(i, i + 200)
        .map((u) => writeFile(join(dir, `policies/updates/${u.id.toLowerCase()}.yaml`), updateYaml(u))),
    );
  const perFile = 4000;
  for (let f = 0; f * perFile < hosts; f++) {
    const lines = [
      `apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-${f}\nspec:\n  owner: team-${f % 40}\n  timetable: dc\n  hosts:`,
    ];
    for (let i = f * perFile; i < Math.min(hosts, (f + 1) * perFile); i++) {
      const day = (i % 4) + 1;
      const hour = String((Math.floor(i / 4) % 6) * 4).padStart(2, "0");
      // Every 50th pair of hosts is a two-node cluster; nodes sit on different days by construction.
      const cluster = i % 100 < 2 ? `, cluster: c${Math.floor(i / 100)}` : "";
      lines.push(`    - { name: h${i}, period: D${day}-${hour}, role: ${ROLES[i % ROLES.length]}${cluster} }`);
    }
    await writeFile(join(dir, `windows/assignments/team-${f}.yaml`), lines.join("\n") + "\n");
  }
  void rand;
}

/** Writes the inventory as JSON Lines; most hosts are current, some lag months behind, a few are stale. */
export async function writeInventory(
  file: string,
  updates: FleetUpdate[],
  hosts: number,
  rand: () => number,
  scannedAt: string,
): Promise<void> {
  const byOs = new Map<string, string[]>();
  const byProduct = new Map<string, string[]>();
  for (const u of updates) {
    if (u.os) byOs.set(u.os, [...(byOs.get(u.os) ?? []), u.id]);
    if (u.product) byProduct.set(u.product, [...(byProduct.get(u.product) ?? []), u.id]);
  }
  const out = createWriteStream(file);
  const pick = () => {
    let r = rand();
    for (const o of OSES) if ((r -= o.weight) <= 0) return o;
    return OSES[0]!;
  };
  for (let i = 0; i < hosts; i++) {
    const os = pick();
    const chain = byOs.get(os.name) ?? [];
    const lag = rand() < 0.7 ? 0 : Math.floor(rand() * 12);
    const installed = chain.slice(Math.max(0, chain.length - 40 - lag), chain.length - lag);
    const products = PRODUCTS.filter((p) => rand() < p.share);
    for (const p of products) {
      const c = byProduct.get(p.name) ?? [];
      installed.push(...c.slice(Math.max(0, c.length - 10), c.length - (rand() < 0.8 ? 0 : 2)));
    }
    const stale = rand() < 0.01;
    const rec = {
      host: `h${i}`,
      scannedAt: stale ? "2026-11-01T00:00:00Z" : scannedAt,
      os: { family: "windows", name: os.name, version: `${os.version}.${1000 + Math.floor(rand() * 5000)}` },
      installed,
      pendingReboot: rand() < 0.02,
      products: products.map((p) => ({ name: p.name, version: p.version })),
      features: [],
    };
    if (!out.write(JSON.stringify(rec) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** How many ids the diverse fleet's hosts draw from besides the policy's own: KBs the policy has no Update file for. */
export const DIVERSE_UNKNOWN_IDS = 3_000;
/** The first KB number of those ids (below the policy's KB5000000 and up). */
const UNKNOWN_KB = 4_000_000;

/**
 * The diverse catalog: the same monthly chains, and every fourth OS update applies only from one build revision (UBR)
 * on, so hosts of one OS differ in what applies to them as their builds differ.
 */
export function diverseCatalog(m: number, rand: () => number): FleetUpdate[] {
  return catalog(m, rand).map((u, i) =>
    u.os && i % 4 === 1 ? { ...u, osVersions: `>=${OSES.find((o) => o.name === u.os)!.version}.${1000 + i * 7}` } : u,
  );
}

/**
 * The diverse inventory: no two hosts alike. Each host holds its OS chain's recent updates with gaps (each missing
 * with probability 0.1, some lagging months), its products' updates likewise, and unknown KBs up to 250–300 ids in
 * all, drawn from `DIVERSE_UNKNOWN_IDS`; its build revision is one of 20,000.
 */
export async function writeDiverseInventory(
  file: string,
  updates: FleetUpdate[],
  hosts: number,
  rand: () => number,
  scannedAt: string,
): Promise<void> {
  const byOs = new Map<string, string[]>();
  const byProduct = new Map<string, string[]>();
  for (const u of updates) {
    if (u.os) byOs.set(u.os, [...(byOs.get(u.os) ?? []), u.id]);
    if (u.product) byProduct.set(u.product, [...(byProduct.get(u.product) ?? []), u.id]);
  }
  const out = createWriteStream(file);
  const pick = () => {
    let r = rand();
    for (const o of OSES) if ((r -= o.weight) <= 0) return o;
    return OSES[0]!;
  };
  const recent = (chain: readonly string[], keep: number, lag: number, into: string[]) => {
    for (const id of chain.slice(Math.max(0, chain.length - keep - lag), chain.length - lag))
      if (rand() >= 0.1) into.push(id);
  };
  for (let i = 0; i < hosts; i++) {
    const os = pick();
    const lag = rand() < 0.6 ? 0 : Math.floor(rand() * 12);
    const installed: string[] = [];
    recent(byOs.get(os.name) ?? [], 60, lag, installed);
    const products = PRODUCTS.filter((p) => rand() < p.share);
    for (const p of products) recent(byProduct.get(p.name) ?? [], 20, rand() < 0.8 ? 0 : 2, installed);
    const want = 250 + Math.floor(rand() * 51);
    const unknown = new Set<number>();
    while (installed.length + unknown.size < want) unknown.add(Math.floor(rand() * DIVERSE_UNKNOWN_IDS));
    for (const k of unknown) installed.push(`KB${UNKNOWN_KB + k}`);
    const stale = rand() < 0.01;
    const rec = {
      host: `h${i}`,
      scannedAt: stale ? "2026-11-01T00:00:00Z" : scannedAt,
      os: { family: "windows", name: os.name, version: `${os.version}.${1 + Math.floor(rand() * 20_000)}` },
      installed,
      pendingReboot: rand() < 0.02,
      products: products.map((p) => ({ name: p.name, version: p.version })),
      features: [],
    };
    if (!out.write(JSON.stringify(rec) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export async function generateFleet(
  dir: string,
  spec: FleetSpec,
): Promise<{ inventory: string; updates: FleetUpdate[] }> {
  const rand = prng(spec.seed ?? 42);
  const updates = spec.diverse ? diverseCatalog(spec.updates, rand) : catalog(spec.updates, rand);
  await writePolicy(dir, updates, spec.hosts, rand);
  const inventory = join(dir, "inventory.jsonl");
  await (spec.diverse ? writeDiverseInventory : writeInventory)(
    inventory,
    updates,
    spec.hosts,
    rand,
    "2026-12-10T04:00:00Z",
  );
  return { inventory, updates };
}
