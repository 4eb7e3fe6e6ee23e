// The JSON Schema of a zod schema, as the generated schemas/ files and the ajv validators use it.
import { z } from "zod";

export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}
