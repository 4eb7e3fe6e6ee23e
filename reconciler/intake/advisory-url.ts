// An advisory's link as a URL means it: characters a URL cannot hold (the spaces of a Visual Studio download link in
// a real CVRF month, non-ASCII letters) are percent-encoded; what still is no http(s) URL is reported, not written.
import { AdvisoryUrl } from "./record.js";

/** Characters a URL holds as they are (RFC 3986 unreserved, reserved, and '%' of an existing escape). */
const KEPT = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;

function percentEncode(text: string): string {
  let out = "";
  for (const ch of text) {
    if (KEPT.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  // A '%' that does not start an escape is a literal percent sign.
  return out.replace(/%(?![0-9A-Fa-f]{2})/g, "%25");
}

/** The link to write, or why there is none to write. */
export function advisoryUrl(raw: string | null): { url: string | null } | { url: null; problem: string } {
  if (raw === null || raw.trim() === "") return { url: null };
  const encoded = percentEncode(raw.trim());
  if (AdvisoryUrl.safeParse(encoded).success) return { url: encoded };
  return { url: null, problem: `its link ${JSON.stringify(raw.slice(0, 200))} is not an http(s) URL` };
}
