// Progress of a long plan on stderr: hosts read, hosts planned, rate and time left. The caller passes the clock, so
// the lines are a function of the counts and the instants given.

/** 1234567 → "1,234,567", the same on every machine (no locale). */
export function grouped(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A duration for people: "45 s", "1 min 44 s", "2 h 05 min". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/**
 * One progress line. `total` is what the inventory held; assigned hosts that were never scanned are planned too, so
 * once `planned` passes it the line drops the share and the estimate rather than show more than 100 %.
 */
export function progressLine(planned: number, total: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (planned * 1000) / elapsedMs : 0;
  const parts = [`patchops plan: planned ${grouped(planned)}`];
  if (planned <= total && total > 0)
    parts[0] += ` of ${grouped(total)} hosts (${Math.floor((planned * 100) / total)} %)`;
  else parts[0] += ` hosts`;
  if (rate > 0) parts.push(`${grouped(rate)} hosts/s`);
  if (rate > 0 && planned < total) parts.push(`about ${duration(((total - planned) / rate) * 1000)} left`);
  return parts.join(", ");
}

export interface ProgressOptions {
  /** Hosts in the inventory (the share and the estimate are taken against it). */
  total: number;
  /** Milliseconds on the caller's clock when planning began. */
  startedMs: number;
  clock: () => number;
  write: (text: string) => void;
  /** A terminal: one line rewritten in place; otherwise a line per update (CI logs). */
  tty: boolean;
  /** At most one update per this many milliseconds. */
  everyMs: number;
}

/** Counts planned hosts and writes a progress line at most every `everyMs`; `done` writes the last one. */
export class PlanProgress {
  private planned = 0;
  private shownAt: number;
  private width = 0;

  constructor(private readonly o: ProgressOptions) {
    this.shownAt = o.startedMs;
  }

  /** One host planned. The clock is asked once per 64 hosts: a million hosts make no million clock reads. */
  host(): void {
    this.planned++;
    if (this.planned % 64 !== 0) return;
    const now = this.o.clock();
    if (now - this.shownAt < this.o.everyMs) return;
    this.shownAt = now;
    this.show(progressLine(this.planned, this.o.total, now - this.o.startedMs), false);
  }

  done(): void {
    const now = this.o.clock();
    this.show(`patchops plan: planned ${grouped(this.planned)} hosts in ${duration(now - this.o.startedMs)}`, true);
  }

  private show(line: string, last: boolean): void {
    if (!this.o.tty) {
      this.o.write(line + "\n");
      return;
    }
    // Rewrite the line in place; pad over a longer previous line.
    const padded = line.padEnd(this.width);
    this.width = line.length;
    this.o.write(`\r${padded}${last ? "\n" : ""}`);
  }
}
