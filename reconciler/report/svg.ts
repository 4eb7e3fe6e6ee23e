// Small inline SVG line charts (saturation over time, compliance trend): no chart library, no scripts, printable.
import { escapeHtml as esc } from "./html.js";

/** A line chart of ratios (0..1) over time; `marks` draws dashed horizontal lines, e.g. 0.6, 0.8, 0.9. */
export function lineChart(
  title: string,
  points: readonly { at: string; ratio: number }[],
  marks: readonly number[] = [],
): string {
  const w = 480;
  const h = 160;
  const pad = 28;
  if (points.length === 0)
    return `<figure class="chart"><figcaption>${esc(title)}</figcaption><p>No snapshots yet.</p></figure>`;
  const t0 = Date.parse(points[0]!.at);
  const t1 = Date.parse(points[points.length - 1]!.at);
  const x = (t: string) => pad + (t1 === t0 ? (w - 2 * pad) / 2 : ((Date.parse(t) - t0) / (t1 - t0)) * (w - 2 * pad));
  const y = (r: number) => h - pad - r * (h - 2 * pad);
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(p.at).toFixed(1)},${y(p.ratio).toFixed(1)}`).join(" ");
  const lines = marks
    .map(
      (m) =>
        `<line x1="${pad}" x2="${w - pad}" y1="${y(m)}" y2="${y(m)}" class="mark"/><text x="${w - pad + 2}" y="${y(m) + 4}">${Math.round(m * 100)}%</text>`,
    )
    .join("");
  const dots = points
    .map(
      (p) =>
        `<circle cx="${x(p.at).toFixed(1)}" cy="${y(p.ratio).toFixed(1)}" r="2.5"><title>${esc(p.at)}: ${Math.round(p.ratio * 1000) / 10}%</title></circle>`,
    )
    .join("");
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}"><line x1="${pad}" x2="${w - pad}" y1="${y(0)}" y2="${y(0)}" class="axis"/><line x1="${pad}" x2="${pad}" y1="${y(0)}" y2="${y(1)}" class="axis"/>${lines}<text x="${pad - 4}" y="${y(0) + 3}" text-anchor="end">0%</text><text x="${pad - 4}" y="${y(1) + 3}" text-anchor="end">100%</text><path d="${path}" class="line"/>${dots}<text x="${pad}" y="${h - 6}">${esc(points[0]!.at.slice(0, 10))}</text><text x="${w - pad}" y="${h - 6}" text-anchor="end">${esc(points[points.length - 1]!.at.slice(0, 10))}</text></svg></figure>`;
}
