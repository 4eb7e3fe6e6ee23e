// The PatchPolicy kind: fleet-wide rules for timelines, SLAs, enforcement and escalation.
import { z } from "zod";
import { Selector, envelope } from "./common.js";
import { NonPatchClass } from "./update.js";

const Step = z.strictObject({
  name: z.string().min(1),
  run: z.string().min(1).meta({ description: "What the deployment tool runs, e.g. a script or a module call." }),
});

/** A count of hosts or jobs (10), or a whole percentage of a window's hosts (25%). */
const RolloutLimit = z.union([
  z.number().int().min(0),
  z.string().regex(/^(0|[1-9][0-9]?|100)%$/, "a whole percentage from 0% to 100%, e.g. 25%"),
]);

export const PatchPolicySpec = z.strictObject({
  timelines: z
    .strictObject({
      critical: z.enum(["emergency", "standard"]).default("emergency"),
      important: z.enum(["emergency", "standard"]).default("standard"),
      moderate: z.enum(["emergency", "standard"]).default("standard"),
      low: z.enum(["emergency", "standard"]).default("standard"),
      exploited: z.enum(["emergency", "standard"]).default("emergency").meta({
        description:
          "The timeline of an update whose spec.exploited is set; it raises the severity's or rule's timeline, never lowers it.",
      }),
    })
    .default({
      critical: "emergency",
      important: "standard",
      moderate: "standard",
      low: "standard",
      exploited: "emergency",
    }),
  nonPatchClasses: z.array(NonPatchClass).default([]).meta({
    description:
      "Non-patch classes (definition, tool, driver, upgrade) to manage like patches: approval rules may approve them and above-baseline reports them. Default: none.",
  }),
  sla: z
    .strictObject({
      emergencyHours: z.number().int().min(1).default(24),
      standardDays: z.number().int().min(1).default(7),
    })
    .default({ emergencyHours: 24, standardDays: 7 }),
  enforcement: z
    .strictObject({ forceInstall: z.boolean().default(true), forceRestart: z.boolean().default(true) })
    .default({ forceInstall: true, forceRestart: true }),
  escalation: z
    .strictObject({
      afterHours: z.number().int().min(0).default(24),
      action: z.enum(["isolate", "notify"]).default("notify"),
    })
    .default({ afterHours: 24, action: "notify" }),
  staleAfterHours: z.number().int().min(1).default(24),
  exemptions: z.strictObject({ maxDays: z.number().int().min(1).max(366).default(90) }).default({ maxDays: 90 }),
  pilot: z
    .strictObject({
      minSuccessRatio: z.number().min(0).max(1).default(0.95),
      hosts: z.union([z.literal("auto"), Selector]).default("auto"),
    })
    .default({ minSuccessRatio: 0.95, hosts: "auto" }),
  hooks: z
    .strictObject({
      pre: z.array(Step).default([]),
      post: z.array(Step).default([]),
      isolate: z.array(Step).default([]).meta({ description: "What an isolate job runs (on the control node)." }),
      notify: z.array(Step).default([]).meta({ description: "What a notify job runs (on the control node)." }),
      healthcheck: z
        .array(Step)
        .default([])
        .meta({ description: "What a healthcheck job runs (on the control node)." }),
    })
    .default({ pre: [], post: [], isolate: [], notify: [], healthcheck: [] }),
  retry: z
    .strictObject({
      backoffHours: z.number().min(0).default(4).meta({
        description:
          "A failed update is retried in the host's first window starting backoffHours × 2^(failures−1) after the failure.",
      }),
      maxFailures: z.number().int().min(1).default(3).meta({
        description: "After this many failed attempts the owner gets a finding (update-failing).",
      }),
    })
    .default({ backoffHours: 4, maxFailures: 3 }),
  rollout: z
    .strictObject({
      maxConcurrency: RolloutLimit.optional().meta({
        description:
          "How many hosts of one window start at a time: a count (10) or a share of the window's hosts (25%); Ansible's serial.",
      }),
      maxErrors: RolloutLimit.optional().meta({
        description:
          "Once more jobs of a window failed than this (a count, or a share of its hosts), its later waves do not start and report not-run (max-errors).",
      }),
    })
    .optional()
    .meta({
      description:
        "Rate control for the executor, as AWS Systems Manager's MaxConcurrency and MaxErrors: plan.json carries it, `deploy due` and the deploy turn apply it (docs/execution.md).",
    }),
});

export const PatchPolicyDoc = envelope(
  "PatchPolicy",
  PatchPolicySpec,
  "Fleet-wide patch policy (policies/policy.yaml).",
);
export type PatchPolicySpec = z.infer<typeof PatchPolicySpec>;
