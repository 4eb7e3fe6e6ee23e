// The inventory formats patchops reads, and how it tells them apart from the first bytes.

export const INVENTORY_FORMATS = ["native", "osquery", "hotfix-json", "hotfix-csv"] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

/** Guesses the format from the head of a file; null when nothing fits. */
export function detectFormat(head: string): InventoryFormat | null {
  const t = head.replace(/^\uFEFF/, "").trimStart();
  if (
    t.startsWith("#TYPE") ||
    /^"?(PSComputerName|Source|CSName)"?,/i.test(t) ||
    /^"?Description"?,"?HotFixID"?/i.test(t)
  )
    return "hotfix-csv";
  if (/"HotFixID"\s*:/.test(t)) return "hotfix-json";
  if (
    /"(hostIdentifier|snapshot)"\s*:/.test(t) ||
    (/"(hotfix_id|os_version|install_date|platform_like)"\s*:/.test(t) && !/"scannedAt"/.test(t))
  )
    return "osquery";
  if (/"host"\s*:/.test(t) || t.startsWith("[") || t.startsWith("{")) return "native";
  return null;
}
