import { Document, Scalar, visit } from "yaml";
import { isDeferred } from "./deferred";

/** Options for {@link renderGoYaml}. */
export interface GoYamlOptions {
  /**
   * Picks string values to double-quote whatever they hold: `key` is the value's own key,
   * `parentKey` the key of the map that holds it ("" at the top).
   * @default - none: only strings a YAML 1.1 reader would misread are quoted
   */
  readonly doubleQuote?: (key: string, parentKey: string) => boolean;
}

/**
 * Renders an object as YAML that a Go program reading YAML 1.1 gets back unchanged.
 *
 * k3s (sigs.k8s.io/yaml over go-yaml) and k3OS (ghodss/yaml over go-yaml v2, rancher/k3os
 * pkg/config/read.go) parse YAML 1.1: `on`, `yes`, `y`, `null`, `0600` and number-like text would
 * come back as booleans, null or numbers. Rendering with the YAML 1.1 schema makes the `yaml`
 * package quote every such string. A value known only at apply time is a literal block scalar, so
 * whatever characters Terraform puts there later need no escaping.
 */
export function renderGoYaml(obj: object, options: GoYamlOptions = {}): string {
  const doc = new Document(obj, { version: "1.1" });
  const quote = options.doubleQuote;
  visit(doc, {
    Pair(_key, pair, path) {
      if (!quote || !(pair.value instanceof Scalar)) return;
      const parent = path[path.length - 2];
      const parentKey = parent && "key" in (parent as object) ? String(((parent as { key?: { value?: unknown } }).key?.value) ?? "") : "";
      const key = pair.key instanceof Scalar ? String(pair.key.value) : "";
      if (quote(key, parentKey)) pair.value.type = Scalar.QUOTE_DOUBLE;
    },
    Scalar(_key, node) {
      if (typeof node.value === "string" && isDeferred(node.value)) node.type = Scalar.BLOCK_LITERAL;
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: false });
}
