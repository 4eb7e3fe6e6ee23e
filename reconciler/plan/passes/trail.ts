// The decision trail: why each host got what it got, written by the passes and read by explain.
import { pushTo } from "../../multimap.js";

/** Lines of reasoning per host and update, kept only for the hosts asked about (it costs memory at fleet scale). */
export class Trail {
  /** host → update → lines, in the order the passes wrote them. */
  readonly byHost = new Map<string, Map<string, string[]>>();

  constructor(private readonly hosts: ReadonlySet<string> = new Set()) {}

  /** Whether lines about this host are kept. */
  keeps(host: string): boolean {
    return this.hosts.has(host.toLowerCase());
  }

  /** Records a line; it is built only when the host is kept. */
  note(host: string, id: string, line: () => string): void {
    if (!this.keeps(host)) return;
    let m = this.byHost.get(host);
    if (!m) this.byHost.set(host, (m = new Map()));
    pushTo(m, id, line());
  }

  /** What was written about one host: update → lines. */
  of(host: string): Map<string, string[]> {
    return this.byHost.get(host) ?? new Map<string, string[]>();
  }

  /** The trail bound to one host, as the evaluators write it. */
  forHost(host: string): (id: string, line: () => string) => void {
    return this.keeps(host) ? (id, line) => this.note(host, id, line) : () => undefined;
  }
}
