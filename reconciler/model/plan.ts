// The plan artifact: plan.json, one host line and one job line, as the reconciler writes them.
import { z } from "zod";

export const HostStatus = z.enum(["compliant", "noncompliant", "stale", "unmanaged", "unscanned"]);
export const UpdateState = z.enum([
  "installed",
  "superseded",
  "missing",
  "overdue",
  "not-applicable",
  "exempt",
  "deferred",
  "blocked",
  "pending-reboot",
  "rejected-installed",
  "failed",
]);
/** How much of each host's per-update map hosts.ndjson carries (`plan --detail`). */
export const PlanDetail = z.enum(["compact", "full"]);
export const JobType = z.enum(["install", "synthetic", "healthcheck", "isolate", "notify", "uninstall", "restart"]);
export const JobTimeline = z.enum(["emergency", "standard", "pilot", "recurring", "immediate"]);

const Instant = z.iso.datetime();
const Step = z.strictObject({ name: z.string(), run: z.string() });

export const Job = z
  .strictObject({
    id: z.string().regex(/^[0-9a-f]{16}$/),
    type: JobType,
    host: z.string(),
    owner: z.string().nullable(),
    updates: z.array(z.string()).meta({ description: "In install order." }),
    packages: z.array(z.string()).optional().meta({
      description: "Linux hosts: the packages to install as name=version (apt and dnf syntax), in install order.",
    }),
    timeline: JobTimeline,
    period: z.string().nullable(),
    window: z.strictObject({ start: Instant, end: Instant }),
    deadline: Instant,
    enforcement: z.strictObject({ forceInstall: z.boolean(), forceRestart: z.boolean() }),
    priority: z.enum(["high", "normal"]),
    pre: z.array(Step),
    post: z.array(Step),
    categories: z.array(z.string()).optional().meta({
      description:
        "win_updates category_names covering every classification of the job's Windows Update updates (install jobs).",
    }),
    downloads: z
      .array(z.strictObject({ id: z.string(), url: z.string(), sha256: z.string() }))
      .optional()
      .meta({
        description: "Catalog-only updates of the job: downloaded from url, checked against sha256, installed.",
      }),
    commands: z
      .array(Step)
      .optional()
      .meta({ description: "What an isolate, notify or healthcheck job runs (PatchPolicy hooks)." }),
    retry: z
      .strictObject({ attempt: z.number().int(), after: Instant })
      .optional()
      .meta({ description: "A retry of failed updates: the attempt number and the failure it follows." }),
    reason: z.strictObject({
      summary: z.string(),
      files: z.array(z.string()).meta({
        description:
          "The host's own files behind the job (its assignment, the baselines and exemptions that apply to it); each update's own file is plan.json summary.updates[id].file.",
      }),
      commit: z.string().nullable(),
    }),
  })
  .meta({ title: "Job", description: "One line of jobs.ndjson." });

export const HostResult = z
  .strictObject({
    host: z.string(),
    status: HostStatus,
    owner: z.string().nullable(),
    period: z.string().nullable(),
    cluster: z.string().nullable(),
    role: z.string().nullable(),
    scannedAt: z.string().nullable(),
    baselines: z.array(z.string()),
    counts: z.partialRecord(UpdateState, z.number().int()).meta({
      description:
        "How many updates the host is measured against in each state, keys in the order of the state list, zero counts left out.",
    }),
    updates: z.record(z.string(), UpdateState).meta({
      description:
        "Update id → state, in id order. A compact plan (the default) lists only the ids not installed, superseded or not-applicable; plan --detail full lists every id the host is measured against.",
    }),
    aboveBaseline: z.array(z.string()).optional().meta({
      description:
        "plan --detail full: the installed updates neither approved, required by a baseline, nor superseded by an approved one, in id order (always present, [] when none). A compact line carries aboveBaselineCount instead.",
    }),
    aboveBaselineCount: z.number().int().positive().optional().meta({
      description:
        "Compact plan (the default): how many installed updates are above the baseline (neither approved, required nor superseded by an approved one); absent when none. Their ids are the inventory's installed list minus what the policy names: patchops explain --host NAME --inventory FILE lists them.",
    }),
    belowBaseline: z
      .array(
        z.strictObject({
          baseline: z.string(),
          file: z.string(),
          line: z.number().int().nullable(),
          reason: z.string(),
        }),
      )
      .optional()
      .meta({
        description:
          "How the host falls short of its baselines (os.minVersion, products[].versions), each with the baseline's file and line; such a host is noncompliant.",
      }),
    blockedBy: z.record(z.string(), z.array(z.string())).optional(),
    held: z.array(z.string()).optional().meta({ description: "Updates whose broad jobs wait for the pilot wave." }),
    exemptions: z.array(z.string()).optional(),
    notes: z.array(z.string()).optional(),
    failures: z
      .record(z.string(), z.strictObject({ code: z.string().nullable(), at: Instant, attempts: z.number().int() }))
      .optional()
      .meta({
        description: "Updates whose last job failed: the installer's code, when, and how many attempts failed.",
      }),
    os: z
      .strictObject({ family: z.string(), name: z.string().nullable(), version: z.string() })
      .optional()
      .meta({ description: "Operating system and build from the host's last scan (absent when never scanned)." }),
    estimated: z.literal(true).optional().meta({
      description:
        "What applies to the host was matched from advisory text: its record carries no scan of its own update agent (agentScan). Absent for agent evidence.",
    }),
  })
  .meta({ title: "HostResult", description: "One line of hosts.ndjson." });

export const ExposureLine = z
  .strictObject({
    host: z.string(),
    owner: z.string().nullable(),
    status: HostStatus,
    estimated: z.literal(true).optional().meta({
      description: "What applies was matched from advisory text: the host reports no agent scan (as on its host line).",
    }),
    cves: z.record(z.string(), z.record(z.string(), UpdateState)).meta({
      description:
        "Exploited CVE (upper case, code-point order) → the updates that fix it and are open on this host → their state, in id order. Only CVEs the host is exposed to: no fixing update is installed or superseded, and one applies and is not done.",
    }),
  })
  .meta({
    title: "ExposureLine",
    description:
      "One line of exposure.ndjson: a host exposed now to an exploited CVE, judged from every state the plan run measured (a compact host line leaves installed ids out).",
  });

export const Plan = z
  .strictObject({
    apiVersion: z.literal("patchops/v1"),
    kind: z.literal("Plan"),
    now: Instant,
    policyRevision: z.string().nullable(),
    approvalVerification: z.enum(["verified", "trusted-local", "off"]),
    inputs: z
      .strictObject({
        policy: z.string().meta({ description: "SHA-256 of the policy files read (each path with its bytes)." }),
        inventory: z.string().meta({
          description: "SHA-256 of the inventory read (each input's text as UTF-8, the format and --scanned-at).",
        }),
        applied: z.string().meta({
          description:
            "SHA-256 of the policy as planned: the verification mode and the documents approval verification kept or restored.",
        }),
        results: z.string().meta({
          description:
            "SHA-256 of the job results read (--results) and the pilot successes read from the status history.",
        }),
      })
      .nullable()
      .meta({
        description:
          "Fingerprints of what the plan was made from: merge checks them all, explain --plan all but results (null when planned in memory).",
      }),
    shard: z.string().nullable(),
    detail: PlanDetail.meta({
      description:
        "compact: host lines list only the updates not installed, superseded or not-applicable (with counts per state); full: every update.",
    }),
    rollout: z
      .strictObject({
        maxConcurrency: z.union([z.number().int(), z.string()]).optional(),
        maxErrors: z.union([z.number().int(), z.string()]).optional(),
      })
      .optional()
      .meta({ description: "The PatchPolicy's rate control (spec.rollout), for deploy due and the deploy turn." }),
    summary: z.strictObject({
      hosts: z.number().int(),
      byStatus: z.record(HostStatus, z.number().int()),
      jobs: z.record(JobType, z.number().int()),
      updates: z.record(
        z.string(),
        z.strictObject({
          decision: z.enum(["approved", "rejected", "pending"]),
          decidedBy: z.string().nullable(),
          file: z.string().nullable().meta({
            description:
              "The update's file: its Update file, else the file that decided it (an approving rule, a requiring baseline).",
          }),
          timeline: z.enum(["emergency", "standard"]),
          approvedAt: z.string().nullable(),
          patch: z.string().optional().meta({
            description:
              "Linux package versions: the patch they belong to (the advisory, e.g. DSA-5555-1, or SOURCE@DAY without one); metrics and compliance count patches. Absent when the update is its own patch.",
          }),
          states: z.partialRecord(UpdateState, z.number().int()),
          held: z
            .strictObject({
              pilotHosts: z.number().int(),
              installed: z.number().int(),
              ratio: z.number(),
              required: z.number(),
            })
            .nullable(),
          unverified: z.string().nullable().optional(),
          pilot: z
            .strictObject({
              state: z.enum(["running", "passed", "failed", "overridden"]),
              hosts: z.number().int(),
              installed: z.number().int(),
              failedHosts: z.array(z.string()).meta({
                description: "Reference hosts whose pilot window has passed without the update installed.",
              }),
              awaitingHosts: z.array(z.string()).optional().meta({
                description:
                  "Reference hosts past their pilot window with no verdict yet: a restart is pending, or no scan or result is newer than the window's end.",
              }),
              passedAt: Instant.nullable().meta({
                description: "When the pilot passed (from the status history when recorded there earlier).",
              }),
              override: z
                .strictObject({
                  reason: z.string(),
                  commit: z.string().nullable(),
                  pull: z.number().int().nullable(),
                  author: z.string().nullable(),
                  approvers: z.array(z.string()),
                  at: Instant.nullable(),
                })
                .optional()
                .meta({
                  description:
                    "The person's decision to proceed after a failed pilot: the reason in the Update file and, when verified, the reviewed change that added it. The update's approval time does not move.",
                }),
            })
            .nullable()
            .optional()
            .meta({ description: "The reference collection's verdict on a standard update that uses a pilot wave." }),
          slaAtRisk: z
            .strictObject({
              hosts: z.number().int(),
              slaBy: Instant,
              latestWindowEnd: Instant,
              examples: z.array(z.string()),
            })
            .optional()
            .meta({ description: "Hosts whose next window ends after the SLA counted from approval (standardDays)." }),
        }),
      ),
      patches: z.record(z.string(), z.partialRecord(UpdateState, z.number().int())).optional().meta({
        description:
          "Patches of several Linux package versions (summary.updates[id].patch): hosts per state, each host once at the worst state of the patch's approved versions, counted from every host's evaluation (a compact host line lists only some states). Absent when no patch groups versions.",
      }),
    }),
    pilot: z.strictObject({
      hosts: z.array(z.string()),
      window: z.strictObject({ start: Instant, end: Instant }).nullable(),
    }),
    findings: z.array(
      z.strictObject({
        code: z.string(),
        severity: z.enum(["error", "warning", "info"]),
        message: z.string(),
        file: z.string().nullable(),
        line: z.number().int().nullable(),
      }),
    ),
  })
  .meta({ title: "Plan", description: "plan.json: the reviewable artifact of one reconcile." });

export type HostStatus = z.infer<typeof HostStatus>;
export type PlanDetail = z.infer<typeof PlanDetail>;
export type UpdateState = z.infer<typeof UpdateState>;
export type Job = z.infer<typeof Job>;
export type HostResult = z.infer<typeof HostResult>;
export type Plan = z.infer<typeof Plan>;
export type ExposureLine = z.infer<typeof ExposureLine>;
export type JobType = z.infer<typeof JobType>;

/** How many installed updates of a host line are above its baseline: a full line lists them, a compact one counts them. */
export function aboveBaselineCount(h: Pick<HostResult, "aboveBaseline" | "aboveBaselineCount">): number {
  return h.aboveBaseline?.length ?? h.aboveBaselineCount ?? 0;
}

/** The words for ids a compact line only counts; `host` comes escaped for the caller's sink. */
export function aboveBaselineUnlisted(count: number, host: string): string {
  return `${count} installed update${count === 1 ? "" : "s"} (patchops explain --host ${host} --inventory FILE lists them)`;
}
