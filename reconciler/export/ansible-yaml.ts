// The one escaper for the Ansible sink: YAML where every string value is tagged !unsafe, so Jinja never runs it.
import { Document, isScalar, visit } from "yaml";

/**
 * Ansible templates inventory variables recursively when they are used: a `{{ lookup('pipe', …) }}` in a host's
 * package name would run on the control node. `!unsafe` marks a string as data that is never templated; every string
 * value we write carries it, whatever its source (inventory, advisory, policy). Mapping keys are ours (variable and
 * group names) or host names, which ansibleInventory writes only when they are plain (see inventoryName).
 */
export function unsafeYaml(value: unknown, header: string): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(key, node) {
      if (key !== "key" && isScalar(node) && typeof node.value === "string") node.tag = "!unsafe";
    },
  });
  return (
    header + doc.toString({ lineWidth: 0, nullStr: "", defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })
  );
}
