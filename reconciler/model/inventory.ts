// The native scanned-inventory record: one host as a scanner last saw it.
import { z } from "zod";
import { Labels, OsFamily, UpdateId } from "./common.js";

export const InventoryRecord = z
  .strictObject({
    host: z.string().min(1).max(253),
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
    features: z.array(z.string().min(1)).default([]),
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
      .strictObject({ name: z.string().optional(), version: z.string().optional(), healthy: z.boolean().optional() })
      .optional()
      .meta({ description: "The scanning agent; healthy: false makes the host stale." }),
  })
  .meta({ title: "InventoryRecord", description: "One scanned host (examples/inventory.jsonl holds one per line)." });

export type InventoryRecord = z.infer<typeof InventoryRecord>;
