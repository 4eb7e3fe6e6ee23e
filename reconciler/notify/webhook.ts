// A generic chat webhook (Slack incoming webhook, or a Microsoft Teams workflow with an Adaptive Card).
import type { TeamNotice } from "./notices.js";

export type WebhookFormat = "slack" | "teams";

/** A chat message names the first things the owner must do by hand; the digest (issue, mail) lists them all. */
const ASKS_SHOWN = 5;

export function webhookPayload(format: WebhookFormat, n: TeamNotice): unknown {
  const asks = n.asks.slice(0, ASKS_SHOWN);
  if (n.asks.length > ASKS_SHOWN) asks.push(`… and ${n.asks.length - ASKS_SHOWN} more`);
  const summary = [`${n.subject}`, n.text.split("\n").slice(2, 4).join("\n").trim(), ...asks].join("\n");
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
