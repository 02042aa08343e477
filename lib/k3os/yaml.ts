import type { Encoder } from "../core/deferred";
import { renderGoYaml } from "../core/yaml";

/**
 * Renders a k3OS config object as YAML that k3OS reads back unchanged: the YAML 1.1-safe rendering
 * of lib/core/yaml.ts (k3OS parses with ghodss/yaml over go-yaml v2, rancher/k3os
 * pkg/config/read.go), with sysctl values and permissions always double-quoted, since the README
 * asks for strings there.
 */
export function renderK3osYaml(obj: object, encoder?: Encoder, base64Values?: ReadonlySet<string>): string {
  return renderGoYaml(obj, { doubleQuote: (key, parentKey) => parentKey === "sysctls" || key === "permissions", encoder, base64Values, at: "k3os" });
}
