/**
 * What an operating system hands the cluster for a node: its rendered provisioning config.
 * Plain data, no cdktf. Images and deliveries are in the boot profiles (lib/core/profile.ts).
 */
import type { ConfigFormat } from "../core/format";

export { ConfigFormat } from "../core/format";

/** A node's rendered provisioning config. */
export interface RenderedConfig {
  readonly format: ConfigFormat;
  /** The config text. May hold apply-time values (cdktf tokens) rendered through a Terraform encoder. */
  readonly content: string;
}
