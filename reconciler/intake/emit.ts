// The one YAML emitter for drafts: values go through the `yaml` package's Document, never into text by hand, so
// nothing a feed or a record says can become a key, a second value or a comment of the file.
import { Document, isScalar, visit } from "yaml";

/** A document with comment lines before it; lists of plain values are written on one line. */
export function emitYaml(comments: readonly string[], value: object): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  // A comment line never holds a line break: each one is a single line of the header.
  if (comments.length) doc.commentBefore = comments.map((c) => ` ${c.replace(/[\r\n]+/g, " ")}`).join("\n");
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
