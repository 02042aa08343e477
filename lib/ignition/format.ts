import { ConfigFormat } from "../core/format";
import type { IgnitionConfig } from "./config";

/** Ignition JSON (coreos/ignition spec 3.x), read by Flatcar and Fedora CoreOS. */
export const IGNITION_FORMAT: ConfigFormat<IgnitionConfig> = ConfigFormat.define<IgnitionConfig>("ignition", "Ignition JSON");
