/**
 * The one place Flatcar wires k3s into a node's Ignition. The k3s model (lib/k3s) owns what goes
 * on the node; this file only calls it.
 */
import type { IgnitionConfig } from "../../ignition/config";
import type { K3sNodeProps } from "../../k3s/node";
import { fail } from "./internal";

/** Adds k3s to the node's config. */
export function applyK3s(config: IgnitionConfig, k3s: K3sNodeProps): void {
  void config;
  void k3s;
  fail("k3s", "k3s on Flatcar is not wired yet (lib/k3s applyK3sToIgnition is missing)", "render the node without k3s until applyK3sToIgnition lands");
}
