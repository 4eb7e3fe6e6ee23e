// The compliance snapshot kept on the status branch: anyone who can push there writes it, so it is parsed, never trusted.
import { z } from "zod";
import { UpdateId } from "./common.js";
import { JobResult } from "./job-result.js";
import { HostStatus, JobType, UpdateState } from "./plan.js";

const Instant = z.iso.datetime();
const Count = z.number().int().nonnegative();
/** An advisory (DSA-5555-1, RHSA-2024:0001) or SOURCE@DAY (curl@2026-12-10). */
const PatchKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:+~-]{0,127}(@\d{4}-\d{2}-\d{2})?$/);

export const SnapshotUpdate = z.strictObject({
  decision: z.enum(["approved", "rejected", "pending"]),
  timeline: z.enum(["emergency", "standard"]),
  approvedAt: Instant.nullable(),
  /** The patch a Linux package version belongs to (plan.json summary.updates[id].patch); absent in older snapshots. */
  patch: PatchKey.optional(),
  states: z.partialRecord(UpdateState, Count),
  /** The pilot's verdict in that run (absent in older snapshots and for updates without a pilot wave). */
  pilot: z
    .strictObject({
      state: z.string().regex(/^[a-z][a-z-]{0,39}$/),
      passedAt: Instant.nullable(),
    })
    .optional(),
});

export const StatusSnapshot = z
  .strictObject({
    apiVersion: z.literal("patchops/v1"),
    kind: z.literal("StatusSnapshot"),
    now: Instant,
    policyRevision: z
      .string()
      .regex(/^[0-9a-f]{7,64}$/)
      .nullable(),
    approvalVerification: z.enum(["verified", "trusted-local", "off"]),
    hosts: Count,
    byStatus: z.partialRecord(HostStatus, Count),
    jobs: z.partialRecord(JobType, Count),
    updates: z.record(UpdateId, SnapshotUpdate),
    /** Per patch of several updates, its hosts by state (each host once, at its worst state among them). */
    patches: z.record(PatchKey, z.partialRecord(UpdateState, Count)).optional(),
    byOwner: z.record(z.string().min(1).max(253), z.partialRecord(HostStatus, Count)),
    /** The job results recorded with this run (status record --results), for job-success metrics. */
    jobResults: z.array(JobResult).optional(),
  })
  .meta({
    title: "StatusSnapshot",
    description: "snapshots/<now>.json on the status branch: the compliance figures of one reconcile.",
  });

export type StatusSnapshot = z.infer<typeof StatusSnapshot>;
export type SnapshotUpdate = z.infer<typeof SnapshotUpdate>;
