// Lint rules for the TypeScript sources: typescript-eslint's recommended set, plus the habits of STYLE.md.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "out/", "test/fixtures/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='localeCompare']",
          message: "Sort by code point (compareText); output bytes must not depend on the machine's locale.",
        },
        { selector: "ExportDefaultDeclaration", message: "No default exports (STYLE.md)." },
      ],
    },
  },
  {
    files: ["eslint.config.js", "vitest.config.ts", "vitest.e2e.config.ts", "stryker.vitest.config.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
