import { Document, Scalar, visit } from "yaml";
import { isDeferred } from "../core/deferred";

/**
 * Renders a k3OS config object as YAML that k3OS reads back unchanged.
 *
 * k3OS parses with ghodss/yaml over go-yaml v2 (rancher/k3os pkg/config/read.go), a YAML 1.1
 * parser: `on`, `yes`, `y`, `null`, `0600` and number-like text would come back as booleans, null
 * or numbers. Rendering with the YAML 1.1 schema makes the `yaml` package quote every such string.
 * Sysctl values and permissions are always double-quoted (the README asks for strings there), and
 * a value known only at apply time is a literal block scalar, so whatever characters Terraform puts
 * there later need no escaping.
 */
export function renderK3osYaml(obj: object): string {
  const doc = new Document(obj, { version: "1.1" });
  visit(doc, {
    Pair(_key, pair, path) {
      const parent = path[path.length - 2];
      const parentKey = parent && "key" in (parent as object) ? String(((parent as { key?: { value?: unknown } }).key?.value) ?? "") : "";
      const key = pair.key instanceof Scalar ? String(pair.key.value) : "";
      if ((parentKey === "sysctls" || key === "permissions") && pair.value instanceof Scalar) {
        pair.value.type = Scalar.QUOTE_DOUBLE;
      }
    },
    Scalar(_key, node) {
      if (typeof node.value === "string" && isDeferred(node.value)) node.type = Scalar.BLOCK_LITERAL;
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: false });
}
