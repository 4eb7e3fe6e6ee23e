// What the installer needs beyond the ids: win_updates categories, and the catalog-only downloads with their hashes.
import type { Job } from "../model/plan.js";
import type { CatalogEntry } from "./catalog.js";

/** win_updates `category_names` per classification (the module's 1.x default covers only three of them). */
export const WIN_UPDATES_CATEGORY: Record<string, string> = {
  security: "SecurityUpdates",
  critical: "CriticalUpdates",
  update: "Updates",
  hotfix: "Updates",
  rollup: "UpdateRollups",
  "service-pack": "ServicePacks",
  "feature-pack": "FeaturePacks",
  definition: "DefinitionUpdates",
  tool: "Tools",
  driver: "Drivers",
  upgrade: "Upgrades",
  other: "Updates",
};

export function installDetails(
  updates: readonly string[],
  catalog: ReadonlyMap<string, CatalogEntry>,
): Pick<Job, "categories" | "downloads"> {
  const categories = new Set<string>();
  const downloads: NonNullable<Job["downloads"]> = [];
  for (const id of updates) {
    const spec = catalog.get(id)?.spec;
    if (spec?.catalogOnly && spec.source?.sha256) {
      downloads.push({ id, url: spec.source.url, sha256: spec.source.sha256 });
      continue;
    }
    categories.add(WIN_UPDATES_CATEGORY[spec?.classification ?? "update"] ?? "Updates");
  }
  return {
    categories: [...categories].sort(),
    ...(downloads.length > 0 ? { downloads } : {}),
  };
}
