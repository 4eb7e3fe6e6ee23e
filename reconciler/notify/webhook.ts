// A generic chat webhook (Slack incoming webhook, or a Microsoft Teams workflow with an Adaptive Card).
import type { TeamNotice } from "./notices.js";

export type WebhookFormat = "slack" | "teams";

/** A chat message names the first staged jobs; the digest (issue, mail) lists them all. */
const STAGED_SHOWN = 5;

export function webhookPayload(format: WebhookFormat, n: TeamNotice): unknown {
  const staged = n.staged.slice(0, STAGED_SHOWN);
  if (n.staged.length > STAGED_SHOWN) staged.push(`… and ${n.staged.length - STAGED_SHOWN} more staged jobs`);
  const summary = [`${n.subject}`, n.text.split("\n").slice(2, 4).join("\n").trim(), ...staged].join("\n");
  if (format === "slack") return { text: summary };
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: n.subject, weight: "Bolder", wrap: true },
            { type: "TextBlock", text: summary.split("\n").slice(1).join("\n"), wrap: true },
          ],
        },
      },
    ],
  };
}

export async function postWebhook(
  url: string,
  format: WebhookFormat,
  n: TeamNotice,
  timeoutMs = 10_000,
): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(webhookPayload(format, n)),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`the webhook answered HTTP ${res.status} for team ${n.team}`);
}
