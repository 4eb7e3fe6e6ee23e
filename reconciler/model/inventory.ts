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

// The inventory boundary: a scan is data from a host, and its names reach shells, templates and markup. Only what real
// scanners produce passes; the format-specific rules (dpkg or rpm) are checked per record in inventory/native.

/** RFC 1123: dot-separated labels of letters, digits and '-', not starting or ending with '-', each at most 63. */
export const HOST_NAME =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** Either package grammar (a Debian name is also an RPM name); dpkg's stricter rule is checked per record. */
export const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
/** [epoch:]version[-release] in either grammar; the format's own rule is checked per record. */
export const PACKAGE_VERSION = /^(?:[0-9]{1,9}:)?[A-Za-z0-9][A-Za-z0-9._+~^-]{0,115}$/;
/** A dpkg architecture or an rpm arch (amd64, x86_64, noarch, all). */
const ARCH = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** A suite (oldstable-security, bookworm-updates,bookworm-security) or an advisory (RHSA-2024:0001). */
const ORIGIN = /^[A-Za-z0-9][A-Za-z0-9._:/,+~@-]{0,199}$/;

const packageName = z.string().regex(PACKAGE_NAME).meta({ description: "A dpkg or rpm package name." });
const packageVersion = z.string().regex(PACKAGE_VERSION);

export const InventoryRecord = z
  .strictObject({
    host: z.string().min(1).max(253).regex(HOST_NAME).meta({
      description: "The host name (RFC 1123: a short name or an FQDN, any case).",
    }),
    fqdn: z.string().min(1).max(253).regex(HOST_NAME).optional().meta({ description: "The host's DNS FQDN." }),
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
          name: packageName,
          version: packageVersion.meta({ description: "[epoch:]version[-revision], as dpkg or rpm print it." }),
          arch: z.string().regex(ARCH).optional(),
          source: packageName.optional().meta({ description: "The source package, when it differs." }),
        }),
      )
      .optional()
      .meta({ description: "Installed Linux packages (patchops inventory convert)." }),
    repos: z
      .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/))
      .optional()
      .meta({
        description:
          "Enabled package repositories (dnf repolist --enabled repo ids): an EUS, E4S, AUS or TUS repository pins a RHEL host to its minor release's stream (docs/applicability.md).",
      }),
    availableUpdates: z
      .array(
        z.strictObject({
          name: packageName,
          version: packageVersion,
          arch: z.string().regex(ARCH).optional(),
          origin: z
            .string()
            .regex(ORIGIN)
            .meta({ description: "The suite (oldstable-security) or advisory (RHSA-2024:0001)." }),
          security: z.boolean(),
          severity: z.enum(["critical", "important", "moderate", "low"]).optional(),
          firstSeen: z.iso.datetime({ offset: true }).optional().meta({
            description:
              "Accepted for compatibility and not used: when an upgrade was first seen is patchops' own record (docs/inventory-and-degradation.md).",
          }),
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
