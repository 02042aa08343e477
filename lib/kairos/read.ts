/** Reading a Kairos config as Kairos reads it: the format's reader. */
import { parse } from "yaml";
import { KAIROS_HEADERS } from "./validate";

/**
 * Reads a config as Kairos does: only a text that starts with a config header is a config
 * (kairos-sdk schema/root_schema.go HasHeader), parsed as YAML 1.2 (yaml.v3).
 */
export function readKairos(text: string): Record<string, unknown> {
  if (!KAIROS_HEADERS.some((h) => text.startsWith(h))) throw new Error(`the config does not start with ${KAIROS_HEADERS.join(", ")}, so Kairos does not read it as a config`);
  const config: unknown = parse(text) ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new Error("the config is not a YAML mapping");
  return config as Record<string, unknown>;
}
