// Exposure as text: per exploited CVE, the hosts exposed now and the update that fixes it on each. Every line is one
// line: text from the policy or an inventory goes through oneLine.
import type { Exposure } from "../plan/exposure.js";
import { oneLine } from "../log-safe.js";

export function exposureText(x: Exposure): string {
  const lines: string[] = [];
  if (x.cves.length === 0) lines.push(`no exploited CVE in the policy (as of ${x.now})`);
  for (const c of x.cves) {
    const since = c.since ? ` since ${c.since}` : "";
    lines.push(
      oneLine(
        `${c.cve} (exploited per ${c.sources.join(", ")}${since}; fixed by ${c.updates.join(", ")}): ${c.hosts.length} host${c.hosts.length === 1 ? "" : "s"} exposed`,
      ),
    );
    for (const h of c.hosts) {
      const fixes = oneLine(h.fixes.map((f) => `${f.id} ${f.state} (${f.timeline})`).join(", "));
      lines.push(
        `  ${oneLine(h.host)}  ${fixes}  owner ${oneLine(h.owner ?? "none")}${h.estimated ? "  estimated: no agent scan; matched from advisory text" : ""}`,
      );
    }
  }
  lines.push(
    `${x.exposedHosts} host${x.exposedHosts === 1 ? "" : "s"} exposed as of ${x.now}${x.unscanned.length > 0 ? `; ${x.unscanned.length} unscanned (unknown): ${x.unscanned.map(oneLine).join(", ")}` : ""}`,
  );
  return lines.join("\n") + "\n";
}
