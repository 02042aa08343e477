import { ConfigFormat } from "../core/format";
import { KairosConfig } from "./config";
import { KAIROS_DECODER } from "./decode";
import { readKairos } from "./read";
import { validateKairosConfig } from "./validate";

/** A Kairos `#cloud-config` document (kairos-docs reference/configuration.md). */
export const KAIROS_FORMAT: ConfigFormat<KairosConfig, never> = ConfigFormat.define<KairosConfig, never>({
  name: "kairos",
  description: "Kairos cloud-config",
  builder: () => new KairosConfig(),
  read: readKairos,
  validators: [{ name: "Kairos strict schema and rules", prefix: "kairos", check: (text) => validateKairosConfig(text) }],
  decoder: KAIROS_DECODER,
});
