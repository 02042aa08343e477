/**
 * Reads the k3s settings back out of a node's files, for the testing kit's decoders: the config
 * file k3s reads at start (/etc/rancher/k3s/config.yaml) and the role its unit runs.
 */
import { parse } from "yaml";
import type { DecodedFile, DecodedK3s, DecodedUnit } from "../core/format-parts";
import { K3S_CONFIG_PATH } from "./config-file";
import { K3sRole } from "./node";
import { k3sUnitName } from "./release";

/**
 * The settings in a node's k3s config file, for the role `role`; undefined when the node writes
 * no such file. k3s reads the file as YAML 1.1 (sigs.k8s.io/yaml over go-yaml; lib/core/yaml.ts).
 */
export function k3sSettingsFromFiles(files: readonly DecodedFile[], role: DecodedK3s["role"]): DecodedK3s | undefined {
  const file = [...files].reverse().find((f) => f.path === K3S_CONFIG_PATH);
  if (file?.contents === undefined) return undefined;
  let config: unknown;
  try {
    config = parse(file.contents, { version: "1.1" });
  } catch {
    return undefined;
  }
  return typeof config === "object" && config !== null && !Array.isArray(config) ? { role, config: config as Record<string, unknown> } : undefined;
}

/** The role a node's units run k3s as: the agent's unit makes it an agent (k3sUnitName). */
export function k3sRoleFromUnits(units: readonly DecodedUnit[]): DecodedK3s["role"] {
  return units.some((u) => u.name === k3sUnitName(K3sRole.AGENT) && u.enabled) ? "agent" : "server";
}
