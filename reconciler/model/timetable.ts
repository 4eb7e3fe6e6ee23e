// The Timetable kind: the maintenance periods of the standard, emergency and pilot timelines.
import { z } from "zod";
import { Name, envelope } from "./common.js";

export const Weekday = z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);
const Time = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
  .meta({ description: "Local wall-clock time, HH:MM." });
const Duration = z
  .string()
  .regex(/^PT(?=\d)(\d+H)?(\d+M)?$/)
  .meta({ description: "ISO-8601 duration in hours and minutes, e.g. PT4H or PT1H30M." });

export const RecurringWindow = z
  .strictObject({
    name: Name,
    rrule: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "RFC 5545 RRULE (without DTSTART), e.g. FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0." }),
    cron: z.string().min(1).optional().meta({ description: "Five-field cron expression, e.g. '0 2 * * 0'." }),
    duration: Duration,
    emergencyPeriod: z
      .number()
      .int()
      .min(1)
      .max(31)
      .default(1)
      .meta({ description: "Emergency period that takes hosts of this window." }),
  })
  .meta({ description: "A generic recurring window; exactly one of rrule or cron." });

export const TimetableSpec = z.strictObject({
  timeZone: z.string().min(1).meta({ description: "IANA time zone, e.g. America/Los_Angeles." }),
  cycle: z
    .strictObject({
      anchor: z.strictObject({
        weekday: Weekday,
        nth: z.union([z.number().int().min(1).max(5), z.literal("last")]),
      }),
      offsetDays: z.number().int().min(-27).max(27).default(0),
      startTime: Time.default("00:00"),
      days: z.number().int().min(1).max(14).default(4),
      periodHours: z
        .union([
          z.literal(1),
          z.literal(2),
          z.literal(3),
          z.literal(4),
          z.literal(6),
          z.literal(8),
          z.literal(12),
          z.literal(24),
        ])
        .default(4),
    })
    .optional()
    .meta({ description: "The monthly standard timeline." }),
  emergency: z
    .strictObject({
      periodHours: z.number().int().min(1).max(24).default(1),
      followUpHours: z.number().int().min(0).max(72).default(3),
    })
    .default({ periodHours: 1, followUpHours: 3 }),
  pilot: z
    .strictObject({
      offsetDays: z.number().int().min(-27).max(27).meta({ description: "Days from the anchor." }),
      startTime: Time,
      hours: z.number().int().min(1).max(336),
    })
    .optional(),
  windows: z.array(RecurringWindow).default([]),
});

export const TimetableDoc = envelope(
  "Timetable",
  TimetableSpec,
  "Maintenance timelines of a site (windows/timetables/).",
);
export type TimetableSpec = z.infer<typeof TimetableSpec>;
export type RecurringWindow = z.infer<typeof RecurringWindow>;
