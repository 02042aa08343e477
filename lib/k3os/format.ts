import { ConfigFormat } from "../core/format";
import type { K3osConfig } from "./config";

/** A k3OS `config.yaml` (rancher/k3os README, "Configuration Reference"). */
export const K3OS_FORMAT: ConfigFormat<K3osConfig> = ConfigFormat.define<K3osConfig>("k3os", "k3OS config.yaml");
