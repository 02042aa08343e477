import { ConfigFormat } from "../core/format";
import { K3osConfig } from "./config";
import { K3OS_DECODER } from "./decode";
import { k3osConfigProblems, readK3os } from "./read";

/** A k3OS `config.yaml` (rancher/k3os README, "Configuration Reference"). */
export const K3OS_FORMAT: ConfigFormat<K3osConfig, never> = ConfigFormat.define<K3osConfig, never>({
  name: "k3os",
  description: "k3OS config.yaml",
  builder: () => new K3osConfig(),
  read: readK3os,
  validators: [{ name: "k3OS strict schema and rules", prefix: "k3os", check: (text) => k3osConfigProblems(text) }],
  decoder: K3OS_DECODER,
});
