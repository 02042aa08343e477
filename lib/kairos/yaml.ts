import type { Encoder } from "../core/deferred";
import { renderGoYaml } from "../core/yaml";

/**
 * Renders a Kairos config object as a `#cloud-config` document. Kairos reads the header to know
 * the text is a config (kairos-sdk schema/root_schema.go HasHeader) and parses with yaml.v3; the
 * YAML 1.1-safe rendering of lib/core/yaml.ts quotes every string a YAML reader could take for a
 * boolean, null or number, and puts apply-time values in literal blocks.
 */
export function renderKairosYaml(obj: object, encoder?: Encoder, base64Values?: ReadonlySet<string>): string {
  return `#cloud-config\n${renderGoYaml(obj, { encoder, base64Values, at: "kairos" })}`;
}
