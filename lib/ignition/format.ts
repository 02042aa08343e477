import { ConfigFormat } from "../core/format";
import { IgnitionConfig } from "./config";
import { IGNITION_DECODER } from "./decode";
import { IGNITION_SCHEMA_VALIDATOR, IGNITION_SEMANTIC_VALIDATOR, IGNITION_VALIDATE_VALIDATOR } from "./validators";
import type { IgnitionVariant, IgnitionVersion } from "./version";

/** The Ignition an OS renders: the spec version, and what the OS reads of it (its variant). */
export interface IgnitionSpecChoice {
  /** The spec version. */
  readonly version: IgnitionVersion;
  /** @default - every feature of the version */
  readonly variant?: IgnitionVariant;
}

// Content-free encoding, used only to see whether an escape hatch holds anything.
const asIs = { base64: (t: string) => t, base64gzip: (t: string) => t, sha512hex: (t: string) => t, sha256hex: (t: string) => t };

/** Ignition JSON (coreos/ignition spec 3.x), read by Flatcar and Fedora CoreOS. */
export const IGNITION_FORMAT: ConfigFormat<IgnitionConfig, IgnitionSpecChoice> = ConfigFormat.define<IgnitionConfig, IgnitionSpecChoice>({
  name: "ignition",
  description: "Ignition JSON",
  builder: ({ spec, name }) => new IgnitionConfig({ version: spec?.version, name, variant: spec?.variant }),
  // An untouched hatch leaves the config as the OS made it.
  merge: (into, extra) => {
    const spec = extra.toSpec({ encoder: asIs });
    if (Object.keys(spec).length === 1 && Object.keys(spec.ignition).length === 1) return;
    into.merge(extra);
  },
  // Ignition reads its config as JSON, an object at the top (coreos/ignition config/v3_4 Parse).
  read: (text) => {
    const config: unknown = JSON.parse(text);
    if (typeof config !== "object" || config === null || Array.isArray(config)) throw new Error("the config is not a JSON object");
    return config as Record<string, unknown>;
  },
  validators: [IGNITION_SCHEMA_VALIDATOR, IGNITION_SEMANTIC_VALIDATOR, IGNITION_VALIDATE_VALIDATOR],
  decoder: IGNITION_DECODER,
});
