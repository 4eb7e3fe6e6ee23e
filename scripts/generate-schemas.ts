// Writes schemas/*.json from the zod models (run `npm run schemas`; a test fails when they drift).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { schemaFiles } from "../reconciler/model/json-schemas.js";

const dir = join(import.meta.dirname, "..", "schemas");
for (const [file, text] of schemaFiles()) writeFileSync(join(dir, file), text);
console.log(`wrote ${schemaFiles().size} schemas to ${dir}`);
