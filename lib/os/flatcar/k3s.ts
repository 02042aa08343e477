/**
 * The one place Flatcar wires k3s into a node's Ignition. The k3s model (lib/k3s) owns what goes
 * on the node (program, config file, service); this file only picks the install and calls it.
 */
import type { Architecture } from "../../core/node";
import type { IgnitionConfig } from "../../ignition/config";
import { applyK3sToIgnition, type K3sFlatcarInstall } from "../../k3s/ignition";
import type { K3sNodeProps } from "../../k3s/node";
import { fail } from "./internal";

/** Adds k3s to the node's config with the install method the Flatcar OS was given. */
export function applyK3s(config: IgnitionConfig, k3s: K3sNodeProps, install: K3sFlatcarInstall | undefined, architecture: Architecture, at: string): void {
  if (!install) {
    fail("k3sInstall", "the node runs k3s but no k3s install method is given", "pass `k3sInstall: K3sFlatcarInstall.sysext({ sha256: { amd64: \"...\" } })` (or `.binary(...)`) to Flatcar.channel() / Flatcar.release()");
  }
  applyK3sToIgnition(config, k3s, { install, architecture, at });
}
