// Writes the generated pages of docs/reference/ (run `npm run -s docs:reference`; a test fails when they drift).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { referencePages } from "./docs-reference.js";

const dir = join(import.meta.dirname, "..", "docs", "reference");
const pages = await referencePages();
for (const [file, text] of pages) writeFileSync(join(dir, file), text);
console.log(`wrote ${pages.size} reference pages to ${dir}`);
