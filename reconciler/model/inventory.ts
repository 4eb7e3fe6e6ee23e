// The native scanned-inventory record: one host as a scanner last saw it.
import { z } from "zod";
import { Labels, OsFamily, UpdateId } from "./common.js";

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
          name: packageName,
          version: packageVersion.meta({ description: "[epoch:]version[-revision], as dpkg or rpm print it." }),
          arch: z.string().regex(ARCH).optional(),
          source: packageName.optional().meta({ description: "The source package, when it differs." }),
        }),
      )
      .optional()
      .meta({ description: "Installed Linux packages (patchops inventory convert)." }),
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
      .strictObject({ name: z.string().optional(), version: z.string().optional(), healthy: z.boolean().optional() })
      .optional()
      .meta({ description: "The scanning agent; healthy: false makes the host stale." }),
  })
  .meta({ title: "InventoryRecord", description: "One scanned host (examples/inventory.jsonl holds one per line)." });

export type InventoryRecord = z.infer<typeof InventoryRecord>;
