import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UpdateSpec } from "../../reconciler/model/update.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { installDetails, WIN_UPDATES_CATEGORY } from "../../reconciler/plan/install-details.js";
import { FIXTURES } from "../helpers/repo.js";

const entry = (spec: Record<string, unknown>) =>
  ({ spec: UpdateSpec.parse({ title: "t", released: "2026-12-01", ...spec }) }) as unknown as CatalogEntry;

describe("win_updates categories and catalog downloads", () => {
  it("names a security update's category as Microsoft's catalog does (a real Update Catalog record)", async () => {
    const record = JSON.parse(
      await readFile(join(FIXTURES, "catalog", "msuc-update-0b97c243-5833-4bf3-bcf8-77063e53c42a.json"), "utf8"),
    ) as { classification: string; kb_article: string };
    expect(WIN_UPDATES_CATEGORY.security).toBe(record.classification);
  });

  it("covers every classification in the job, and takes catalog-only updates out of win_updates", () => {
    const catalog = new Map<string, CatalogEntry>([
      ["KB1", entry({ id: "KB1", classification: "service-pack" })],
      ["KB2", entry({ id: "KB2", classification: "security", severity: "important" })],
      ["KB3", entry({ id: "KB3", classification: "update" })],
      [
        "KB4",
        entry({
          id: "KB4",
          classification: "rollup",
          catalogOnly: true,
          source: { url: "https://catalog.example/kb4.msu", sha256: "a".repeat(64) },
        }),
      ],
    ]);
    expect(installDetails(["KB1", "KB2", "KB3", "KB4"], catalog)).toEqual({
      categories: ["SecurityUpdates", "ServicePacks", "Updates"],
      downloads: [{ id: "KB4", url: "https://catalog.example/kb4.msu", sha256: "a".repeat(64) }],
    });
  });
});
