// Mail over SMTP with nodemailer: the owner digest to the contacts listed in the team's Assignment files.
import { createTransport, type Transporter } from "nodemailer";
import type { TeamNotice } from "./notices.js";

export function smtpTransport(url: string): Transporter {
  return createTransport(url);
}

export async function sendMail(
  transport: Transporter,
  from: string,
  to: readonly string[],
  n: TeamNotice,
): Promise<void> {
  await transport.sendMail({ from, to: [...to], subject: n.subject, text: n.text });
}
