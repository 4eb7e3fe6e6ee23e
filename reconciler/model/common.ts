// Shared building blocks of every patchops document: the envelope, names, dates, selectors.
import { z } from "zod";

export const API_VERSION = "patchops/v1";

export const Name = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9._-]{0,251}[a-z0-9])?$/)
  .meta({
    description:
      "Lower-case letters, digits, '.', '_' and '-', at most 253 characters; starts and ends with a letter or digit.",
  });

export const UpdateId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}(=[A-Za-z0-9.+~:^_-]{1,127})?$/)
  .meta({
    description:
      "Vendor id of an update: a KB number (KB5034441), an advisory (DSA-5514-1, RHSA-2022:0011) or a package version as apt and dnf name it (openssl=3.0.11-1~deb12u2).",
  });

export const IsoDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/)
  .meta({ description: "A calendar date, YYYY-MM-DD." });

export const Cve = z
  .string()
  .regex(/^CVE-\d{4}-\d{4,}$/)
  .meta({ description: "A CVE id, e.g. CVE-2024-20666." });

export const Labels = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/), z.string().max(253));

/** A dotted version range: space-separated comparators, alternatives joined by "||" (e.g. ">=10.0.20348 <10.0.20349"). */
export const VersionRange = z
  .string()
  .regex(
    /^\s*(\*|((>=|<=|>|<|=)?\s*\d+(\.\d+)*)(\s+((>=|<=|>|<|=)?\s*\d+(\.\d+)*))*)(\s*\|\|\s*(\*|((>=|<=|>|<|=)?\s*\d+(\.\d+)*)(\s+((>=|<=|>|<|=)?\s*\d+(\.\d+)*))*))*\s*$/,
  )
  .meta({ description: "Dotted-number version range, e.g. '>=10.0.20348 <10.0.20349' or '15.0 || >=16.0'." });

export const OsFamily = z.enum(["windows", "linux", "macos"]);

export const Selector = z
  .strictObject({
    os: OsFamily.optional().meta({ description: "Operating-system family of the host's last scan." }),
    role: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .meta({ description: "Role (or roles) from the host's assignment." }),
    owner: z.string().optional().meta({ description: "Owner team of the host's assignment." }),
    cluster: z.string().optional(),
    hosts: z.array(z.string()).optional().meta({ description: "Explicit host names." }),
    labels: Labels.optional().meta({ description: "Every label must be present with this value." }),
  })
  .meta({ description: "Selects hosts; every given condition must hold." });

export type Selector = z.infer<typeof Selector>;

export const Metadata = z.strictObject({
  name: Name,
  labels: Labels.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** Wraps a spec schema in the Kubernetes-style envelope every document carries. */
export function envelope<K extends string, S extends z.ZodType>(kind: K, spec: S, description: string) {
  return z
    .strictObject({
      apiVersion: z.literal(API_VERSION),
      kind: z.literal(kind),
      metadata: Metadata,
      spec,
    })
    .meta({ title: kind, description });
}
