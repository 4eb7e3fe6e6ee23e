// `patchops windows`: the next maintenance windows, in local time and UTC, for a timetable or a host.
import type { Command } from "commander";
import { hasErrors } from "../diagnostics.js";
import type { Window } from "../schedule/cycle.js";
import { hostSlots, upcomingWindows } from "../schedule/slots.js";
import { isoLocal, isoUtc } from "../schedule/wall-clock.js";
import { validateSource } from "../validate/validate.js";
import { EXIT, UsageError } from "../errors.js";
import type { Io } from "./io.js";
import { formatOption, nowOption, repoDir } from "./options.js";
import { policySourceFor } from "../app/policy-source.js";
import { diagnosticsAsText } from "../views/diagnostics.js";

function pair(zone: string, w: Window) {
  return {
    start: isoUtc(w.start),
    end: isoUtc(w.end),
    localStart: isoLocal(zone, w.start),
    localEnd: isoLocal(zone, w.end),
  };
}

function line(label: string, zone: string, w: Window): string {
  const p = pair(zone, w);
  const sameDay = (a: string, b: string) => a.slice(0, 10) === b.slice(0, 10);
  const localEnd = sameDay(p.localStart, p.localEnd) ? p.localEnd.slice(11) : p.localEnd;
  const utcEnd = sameDay(p.start, p.end) ? p.end.slice(11) : p.end;
  return `  ${label.padEnd(14)} ${p.localStart} → ${localEnd}   (UTC ${p.start} → ${utcEnd})`;
}

export function registerWindows(program: Command, io: Io): void {
  program
    .command("windows")
    .description(
      "list the next maintenance windows in local time and UTC; for a host, its standard, emergency and pilot slots",
    )
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--host <name>", "show one host's slots")
    .option("--timetable <name>", "show one timetable")
    .option("--now <iso>", "instant to look ahead from (default: the clock)")
    .option("--format <format>", "text or json", "text")
    .action(async (opts: { repo?: string; host?: string; timetable?: string; now?: string; format?: string }) => {
      const format = formatOption(opts.format, ["text", "json"] as const, "text");
      const now = nowOption(opts.now);
      const { set, diagnostics } = await validateSource(await policySourceFor(repoDir(opts.repo), undefined), now);
      if (hasErrors(diagnostics)) {
        io.err(
          diagnosticsAsText(
            diagnostics.filter((d) => d.severity === "error"),
            0,
          ),
        );
        io.exitCode(EXIT.invalid);
        return;
      }
      if (opts.host) {
        const wanted = opts.host.toLowerCase();
        for (const a of set.assignments) {
          const h = a.spec.hosts.find((x) => x.name.toLowerCase() === wanted);
          if (!h) continue;
          const tt = set.timetables.find((t) => t.name === a.spec.timetable)!;
          const zone = tt.spec.timeZone;
          const s = hostSlots(tt.spec, h.period, now);
          if (format === "json") {
            io.out(
              JSON.stringify(
                {
                  host: h.name,
                  owner: a.spec.owner,
                  timetable: tt.name,
                  timeZone: zone,
                  period: h.period,
                  standard: s.standard && pair(zone, s.standard),
                  emergency: {
                    period: s.emergency.period,
                    ...pair(zone, s.emergency.window),
                    followUp: pair(zone, s.emergency.followUp),
                  },
                  pilot: s.pilot && pair(zone, s.pilot),
                },
                null,
                2,
              ) + "\n",
            );
          } else {
            const out = [`${h.name} (owner ${a.spec.owner}, timetable ${tt.name}, ${zone}), period ${h.period}`];
            if (s.standard) out.push(line("standard", zone, s.standard));
            out.push(line(`emergency H${s.emergency.period}`, zone, s.emergency.window) + "   if approved now");
            out.push(line("follow-up", zone, s.emergency.followUp));
            if (s.pilot) out.push(line("pilot wave", zone, s.pilot) + "   if in the reference collection");
            io.out(out.join("\n") + "\n");
          }
          return;
        }
        throw new UsageError(`host '${opts.host}' is in no assignment`);
      }
      const tts = opts.timetable ? set.timetables.filter((t) => t.name === opts.timetable) : set.timetables;
      if (opts.timetable && tts.length === 0) throw new UsageError(`timetable '${opts.timetable}' does not exist`);
      const all = tts.map((t) => upcomingWindows(t.name, t.spec, now));
      if (format === "json") {
        io.out(
          JSON.stringify(
            all.map((w) => ({
              timetable: w.timetable,
              timeZone: w.timeZone,
              cycle: w.cycle && { id: w.cycle.id, anchorDate: w.cycle.anchorDate, ...pair(w.timeZone, w.cycle) },
              pilot: w.pilot && pair(w.timeZone, w.pilot),
              periods: w.periods.map((p) => ({ name: p.name, ...pair(w.timeZone, p.window) })),
              recurring: w.recurring.map((p) => ({ name: p.name, ...pair(w.timeZone, p.window) })),
            })),
            null,
            2,
          ) + "\n",
        );
        return;
      }
      const out: string[] = [];
      for (const w of all) {
        out.push(`timetable ${w.timetable} (${w.timeZone})`);
        if (w.cycle) out.push(`  cycle ${w.cycle.id}, anchor ${w.cycle.anchorDate}`);
        if (w.pilot) out.push(line("pilot wave", w.timeZone, w.pilot));
        for (const p of w.periods) out.push(line(p.name, w.timeZone, p.window));
        for (const p of w.recurring) out.push(line(p.name, w.timeZone, p.window));
      }
      io.out(out.join("\n") + "\n");
    });
}
