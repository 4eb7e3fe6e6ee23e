// The native scanned-inventory record: one host as a scanner last saw it.
import { z } from "zod";
import { IsoDate, Labels, OsFamily, UpdateId } from "./common.js";

/** WUA's UpdateClassification categories, named as the agent-scan record spells them. */
export const AgentClassification = z.enum([
  "security",
  "critical",
  "update",
  "rollup",
  "service-pack",
  "feature-pack",
  "definition",
  "tool",
  "driver",
  "upgrade",
  "other",
]);

/** One update the host's Windows Update Agent returned for IsInstalled=0 or IsInstalled=1 (and IsHidden=0). */
export const AgentUpdate = z.strictObject({
  kbs: z
    .array(z.string().regex(/^KB\d{1,12}$/))
    .meta({ description: "KBArticleIDs with the KB prefix (may be empty: drivers often carry none)." }),
  updateId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    .meta({ description: "Identity.UpdateID, lower-case." }),
  revision: z.number().int().min(0).meta({ description: "Identity.RevisionNumber." }),
  title: z.string().min(1),
  installed: z.boolean().meta({ description: "IsInstalled." }),
  classification: AgentClassification.meta({ description: "From the update's UpdateClassification category." }),
  severity: z
    .enum(["critical", "important", "moderate", "low"])
    .optional()
    .meta({ description: "MsrcSeverity lower-cased; absent when empty." }),
  products: z.array(z.string().min(1)).meta({
    description: "The Product categories' names, as WUA reports them (e.g. 'Microsoft Server operating system-21H2').",
  }),
  reboot: z
    .enum(["never", "always", "can-request"])
    .meta({ description: "InstallationBehavior.RebootBehavior: 0 never, 1 always, 2 can-request." }),
  downloaded: z.boolean().meta({ description: "IsDownloaded." }),
  hotpatch: z.boolean().meta({ description: "The update is a hotpatch (its title contains 'Hotpatch')." }),
  supersedes: z
    .array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/))
    .default([])
    .meta({ description: "SupersededUpdateIDs, lower-case." }),
  released: IsoDate.meta({ description: "LastDeploymentChangeTime as a UTC date." }),
});

export const AgentScan = z
  .strictObject({
    source: z.enum(["wsus", "microsoft-update", "windows-update", "offline-catalog"]),
    server: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "The WSUS server, or the offline catalogue's file name." }),
    completedAt: z.iso.datetime({ offset: true }),
    updates: z.array(AgentUpdate),
  })
  .meta({
    description:
      "Present only when the agent's search succeeded: what applies to the host is what its own agent returned (docs/applicability.md).",
  });

export const InventoryRecord = z
  .strictObject({
    host: z.string().min(1).max(253),
    fqdn: z.string().min(1).max(253).optional().meta({ description: "The host's DNS FQDN." }),
    scannedAt: z.iso.datetime({ offset: true }),
    os: z.strictObject({
      family: OsFamily,
      name: z.string().min(1).optional(),
      version: z.string().regex(/^\d+(\.\d+)*$/),
    }),
    installed: z.array(UpdateId),
    pendingReboot: z.boolean().default(false),
    pendingRebootUpdates: z.array(UpdateId).optional().meta({
      description:
        "Updates installed but waiting for the restart; without it, a pending reboot holds every installed update that may need one.",
    }),
    products: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          version: z
            .string()
            .regex(/^\d+(\.\d+)*$/)
            .optional(),
        }),
      )
      .default([]),
    features: z.array(z.string().min(1)).default([]).meta({
      description:
        "Installed Windows features (Get-WindowsFeature Name) and enabled optional features (FeatureName), as Windows names them.",
    }),
    packageFormat: z
      .enum(["deb", "rpm"])
      .optional()
      .meta({ description: "How the host's package versions are ordered: dpkg (deb) or rpm rules." }),
    packages: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          version: z.string().min(1).meta({ description: "[epoch:]version[-revision], as dpkg or rpm print it." }),
          arch: z.string().min(1).optional(),
          source: z.string().min(1).optional().meta({ description: "The source package, when it differs." }),
        }),
      )
      .optional()
      .meta({ description: "Installed Linux packages (patchops inventory convert)." }),
    availableUpdates: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          version: z.string().min(1),
          arch: z.string().min(1).optional(),
          origin: z
            .string()
            .min(1)
            .meta({ description: "The suite (oldstable-security) or advisory (RHSA-2024:0001)." }),
          security: z.boolean(),
          severity: z.enum(["critical", "important", "moderate", "low"]).optional(),
          firstSeen: z.iso
            .datetime({ offset: true })
            .optional()
            .meta({ description: "When a scan first saw this candidate; default: this record's scannedAt." }),
        }),
      )
      .optional()
      .meta({ description: "Upgrades the package manager offers (apt list --upgradable, dnf updateinfo)." }),
    labels: Labels.optional().meta({
      description: "Facts from a CMDB or the scanner's tags; assignment selectors and baselines can select on them.",
    }),
    role: z.string().min(1).optional().meta({ description: "The host's role as the inventory knows it." }),
    cluster: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "The cluster the host belongs to; selected nodes of one cluster get different days." }),
    agent: z
      .strictObject({
        name: z.string().optional(),
        version: z.string().optional(),
        healthy: z.boolean().optional(),
        problems: z
          .array(z.string().min(1))
          .optional()
          .meta({ description: "What the health checks found wrong (empty or absent when healthy)." }),
      })
      .optional()
      .meta({ description: "The scanning agent; healthy: false makes the host stale." }),
    agentScan: AgentScan.optional(),
    scanErrors: z
      .array(
        z.strictObject({
          source: z.enum(["wua", "history", "qfe", "registry", "features", "reboot", "products"]),
          message: z.string().min(1),
          code: z.string().min(1).optional(),
        }),
      )
      .optional()
      .meta({
        description:
          "Per source, what failed; a failed source never stops the record (a record with a 'wua' entry has no agentScan).",
      }),
  })
  .meta({ title: "InventoryRecord", description: "One scanned host (examples/inventory.jsonl holds one per line)." });

export type InventoryRecord = z.infer<typeof InventoryRecord>;
export type AgentUpdate = z.infer<typeof AgentUpdate>;
export type AgentClassification = z.infer<typeof AgentClassification>;
