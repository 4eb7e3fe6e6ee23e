// The review cache's file stays inside its folder whatever GITHUB_REPOSITORY (configuration) says.
import { describe, expect, it } from "vitest";
import { ReviewCache } from "../../reconciler/approvals/cache.js";

describe("ReviewCache.fileFor", () => {
  it("names owner/repo as folders, and never leaves the cache folder for '.', '..' or odd characters", () => {
    expect(ReviewCache.fileFor("/cache", "acme/policy.repo")).toBe("/cache/acme/policy.repo/reviews.json");
    expect(ReviewCache.fileFor("/cache", "../..")).toBe("/cache/__/__/reviews.json");
    expect(ReviewCache.fileFor("/cache", "./x")).toBe("/cache/_/x/reviews.json");
    expect(ReviewCache.fileFor("/cache", "a/../../etc")).toBe("/cache/a/__/__/etc/reviews.json");
    expect(ReviewCache.fileFor("/cache", "a b/c\\d")).toBe("/cache/a_b/c_d/reviews.json");
  });
});
