// The Update kind: one request for change (RFC) approving or rejecting one vendor update.
import { z } from "zod";
import { Cve, IsoDate, OsFamily, UpdateId, VersionRange, envelope } from "./common.js";

export const Classification = z.enum([
  "security",
  "critical",
  "update",
  "hotfix",
  "rollup",
  "service-pack",
  "feature-pack",
  "synthetic",
  "definition",
  "tool",
  "driver",
  "upgrade",
  "other",
]);
/** Classes that are not patches: approval rules and above-baseline skip them unless PatchPolicy.nonPatchClasses lists them. */
export const NonPatchClass = z.enum(["definition", "tool", "driver", "upgrade"]);
export const ExploitSource = z.enum(["msrc", "csaf", "kev"]);
export const Severity = z.enum(["critical", "important", "moderate", "low"]);
export const Decision = z.enum(["approved", "rejected"]);
export const TimelineName = z.enum(["emergency", "standard"]);

export const RfcAnswers = z
  .strictObject({
    change: z.string().min(1).optional().meta({ description: "What the change is." }),
    vulnerability: z.string().min(1).optional().meta({ description: "Which vulnerability it closes." }),
    servicesImpacted: z.string().min(1).optional(),
    concurrentDeployment: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Whether an update is already being deployed for that service." }),
    countermeasures: z.string().min(1).optional().meta({ description: "Countermeasures that buy time." }),
    testStrategy: z.string().min(1).optional(),
    impact: z.enum(["minor", "significant", "major"]).optional(),
  })
  .meta({ description: "The RFC questions of the Identify phase; every field is required on the emergency timeline." });

export const UpdateSpec = z.strictObject({
  id: UpdateId,
  title: z.string().min(1),
  vendor: z.string().min(1).default("Microsoft"),
  bulletin: z.string().optional(),
  cves: z.array(Cve).default([]),
  classification: Classification,
  severity: Severity.optional(),
  released: IsoDate,
  decision: Decision.optional().meta({
    description: "Omit to let an ApprovalRule decide; without one the update is pending.",
  }),
  timeline: TimelineName.optional().meta({
    description: "Default: PatchPolicy.timelines by severity, escalated to timelines.exploited when exploited.",
  }),
  exploited: z
    .strictObject({
      sources: z.array(ExploitSource).min(1).meta({ description: "Who says it is exploited: msrc, csaf, kev." }),
      since: IsoDate.optional().meta({ description: "When exploitation was first reported." }),
    })
    .optional()
    .meta({ description: "The vulnerability is exploited in the wild: PatchPolicy.timelines.exploited applies." }),
  appliesTo: z
    .strictObject({
      os: z
        .array(
          z.strictObject({
            family: OsFamily,
            names: z
              .array(z.string())
              .optional()
              .meta({ description: "OS names as scanned, e.g. 'Windows Server 2022'." }),
            versions: VersionRange.optional(),
          }),
        )
        .optional(),
      products: z.array(z.strictObject({ name: z.string().min(1), versions: VersionRange.optional() })).optional(),
      features: z
        .array(z.string().min(1))
        .optional()
        .meta({ description: "Every feature must be present, e.g. iis-asp." }),
      packages: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            fixed: z
              .string()
              .min(1)
              .meta({ description: "The first version that carries the fix (dpkg or rpm order)." }),
            os: z
              .string()
              .min(1)
              .optional()
              .meta({ description: "Only on hosts reporting this OS name (fixed versions differ per release)." }),
            binary: z.boolean().optional().meta({
              description:
                "true: name is one binary package; otherwise a source package also stands for the binaries built from it.",
            }),
          }),
        )
        .optional()
        .meta({
          description:
            "Linux packages: the update concerns a host with one of them installed, and is installed once every listed package present is at its fixed version or later.",
        }),
    })
    .default({}),
  supersedes: z.array(UpdateId).default([]),
  requires: z.array(UpdateId).default([]),
  restart: z.enum(["required", "maybe", "never"]).default("maybe"),
  uninstallable: z.boolean().default(true),
  remove: z.boolean().default(false).meta({
    description:
      "With decision: rejected, uninstall it where installed (WSUS's approve for removal); needs uninstallable.",
  }),
  catalogOnly: z.boolean().default(false).meta({
    description:
      "Published in the Microsoft Update Catalog only (Windows Update never offers it): installed from source.url, checked against source.sha256.",
  }),
  source: z
    .strictObject({
      url: z.url(),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
      size: z.number().int().positive().optional(),
    })
    .optional(),
  pilot: z
    .union([
      z.boolean(),
      z.strictObject({
        override: z.literal("proceed").meta({
          description:
            "A person's decision, reviewed in a pull request, to release the broad wave after a failed pilot.",
        }),
        reason: z.string().min(1).meta({ description: "What was investigated and why it is safe to proceed." }),
      }),
    ])
    .default(true)
    .meta({
      description:
        "Deploy to the reference collection first (true), skip it (false), or {override: proceed, reason} after a pilot failure.",
    }),
  rfc: RfcAnswers.optional(),
});

export const UpdateDoc = envelope("Update", UpdateSpec, "An RFC: approve or reject one update (policies/updates/).");
export type UpdateSpec = z.infer<typeof UpdateSpec>;
export type Severity = z.infer<typeof Severity>;
export type TimelineName = z.infer<typeof TimelineName>;
export type Classification = z.infer<typeof Classification>;
export type NonPatchClass = z.infer<typeof NonPatchClass>;
