import { ConfigFormat } from "../core/format";
import type { KairosConfig } from "./config";

/** A Kairos `#cloud-config` document (kairos-docs reference/configuration.md). */
export const KAIROS_FORMAT: ConfigFormat<KairosConfig> = ConfigFormat.define<KairosConfig>("kairos", "Kairos cloud-config");
