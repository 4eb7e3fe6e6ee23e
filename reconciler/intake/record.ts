// The one grammar of intake's inputs: every update a feed yields and every intake record a draft carries is checked
// by these schemas, so a record can only say what a feed could have said (ids, CVEs, dates, KBs, URLs, file names).
import { z } from "zod";
import { Cve, IsoDate, Name, UpdateId } from "../model/common.js";

/** A Microsoft KB article id as intake writes it. */
export const KbId = z.string().regex(/^KB\d{1,8}$/, "a KB id is KB and its number");

/** A version-fixed update without a KB: a product slug and the fixed build ("edge-chromium-based-120.0.2210.61"). */
const VersionFixedId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*-\d+(\.\d+)+$/, "a version-fixed id is a product slug and a dotted version");

const CONTROL = /\p{Cc}/u;

/** One line of text: no control characters (a record's strings never open a new line in a draft). */
const Line = z
  .string()
  .min(1)
  .max(1000)
  .refine((t) => !CONTROL.test(t), "control characters (a line break) are not allowed");

/** A feed file name: the base name only, never a path on the machine that ran intake. */
export const FeedName = z
  .string()
  .min(1)
  .max(255)
  .refine((t) => !CONTROL.test(t) && !/[/\\]/.test(t), "a feed file name, without folders or control characters");

/** An http(s) URL as the Update model takes it; intake percent-encodes what needs it before it gets here. */
export const AdvisoryUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .regex(/^[\u0021-\u007e]+$/, "an encoded URL: printable ASCII, no spaces");

const Severity = z.enum(["critical", "important", "moderate", "low"]);
export const ExploitSource = z.enum(["msrc", "csaf", "kev"]);

export const Exploited = z.strictObject({
  sources: z.array(ExploitSource).min(1),
  since: IsoDate.optional(),
});

export const AdvisoryPackageSchema = z.strictObject({
  os: Line,
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.+_~:-]{0,127}$/, "a package name"),
  fixed: z.string().regex(/^[A-Za-z0-9.+~:^_-]{1,127}$/, "a package version"),
  binary: z.boolean(),
});

export const AdvisoryUpdateSchema = z
  .strictObject({
    id: UpdateId,
    title: z.string().min(1).max(2000),
    vendor: Line,
    bulletin: z
      .string()
      .max(200)
      .refine((t) => !CONTROL.test(t), "control characters are not allowed"),
    released: IsoDate,
    severity: Severity.nullable(),
    cves: z.array(Cve),
    products: z.array(Line),
    fixed: z
      .array(z.strictObject({ product: Line, version: z.string().regex(/^\d+(\.\d+)+$/, "a dotted version") }))
      .optional(),
    supersedes: z.array(UpdateId),
    restart: z.enum(["required", "maybe", "never"]),
    url: AdvisoryUrl.nullable(),
    packages: z.array(AdvisoryPackageSchema).optional(),
    exploited: Exploited.optional(),
    source: FeedName,
  })
  .superRefine((u, ctx) => {
    if (u.packages) return;
    // A Windows update is a KB or a version-fixed product build, and supersedes KBs only.
    if (!KbId.safeParse(u.id).success && !VersionFixedId.safeParse(u.id).success)
      ctx.addIssue({ code: "custom", path: ["id"], message: "a Windows update id is a KB or a version-fixed id" });
    u.supersedes.forEach((s, i) => {
      if (!KbId.safeParse(s).success)
        ctx.addIssue({ code: "custom", path: ["supersedes", i], message: "a superseded Windows update is a KB" });
    });
  });

export const KnownExploitedSchema = z.strictObject({
  cve: Cve,
  name: z.string().max(1000),
  dateAdded: IsoDate,
  dueDate: IsoDate,
  ransomware: z.string().max(50),
});

export const DraftRecordSchema = z.strictObject({
  platform: z.enum(["windows", "linux"]),
  update: AdvisoryUpdateSchema,
  timeline: z.enum(["emergency", "standard"]),
  kev: z.array(KnownExploitedSchema),
  hosts: z.number().int().min(0).nullable(),
  /** The day intake ran (a UTC date; an instant is accepted and read by its date). */
  now: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z)?$/, "a UTC date"),
  rule: Name.nullable(),
});

export type DraftRecord = z.infer<typeof DraftRecordSchema>;

/** The first problem of a value against a schema, as "field: message", or null when it passes. */
export function firstProblem(schema: z.ZodType, value: unknown): string | null {
  const parsed = schema.safeParse(value);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join(".") : "the record";
  return `${field}: ${issue?.message ?? "invalid"}`.slice(0, 200);
}
