/**
 * The options of a Flatcar OS ({@link FlatcarProps}) and their shape at run time, in one file: the
 * shape is checked at `Flatcar.channel` / `Flatcar.release` (lib/core/props.ts): unknown options
 * and wrong types are refused there. The update, install and
 * time settings keep their own, more specific checks in flatcar.ts and time.ts.
 */
import { type ShapeOf, list, object, optional, type Shape, str } from "../../core/props";
import type { IgnitionConfig, IgnitionVersion } from "../../ignition/config";
import type { NodeBootstrap } from "../os";
import type { K3sFlatcarInstall } from "./k3s";
import type { FlatcarUpdates } from "./updates";

/** A hook that edits a node's Ignition config after the OS has rendered its own parts. */
export type FlatcarNodeCustomizer = (config: IgnitionConfig, node: NodeBootstrap) => void;

/** Options for a Flatcar operating system. */
export interface FlatcarProps {
  /**
   * Ignition spec version of the rendered configs; one newer than the release reads is refused
   * (the table with its sources: lib/os/flatcar/releases.ts `FLATCAR_SPECS`: 3.3.0 from
   * 3185.0.0, 3.4.0 from 3535.0.0, 3.5.0 from 4593, whose Ignition 2.24.0 reads it).
   * @default - the newest spec the release reads; for a channel, what its current release reads
   * (3.5.0 for Stable, Beta and Alpha; 3.4.0 for LTS)
   */
  readonly ignitionVersion?: IgnitionVersion;
  /**
   * Updates on controllers.
   * @default FlatcarUpdates.automatic({ strategy: RebootStrategy.OFF }): updates download and
   * wait on the passive partition; a controller boots the new release on its next reboot, which
   * the operator does one controller at a time, so etcd never loses quorum to an update.
   */
  readonly controllerUpdates?: FlatcarUpdates;
  /**
   * Updates on workers.
   * @default FlatcarUpdates.automatic({ strategy: RebootStrategy.REBOOT }): Flatcar's own default;
   * workers reboot into each release (set a `window` to keep reboots to quiet hours).
   */
  readonly workerUpdates?: FlatcarUpdates;
  /** tz database name for every node, for example `Europe/Berlin`. @default - UTC (Flatcar's default and recommendation) */
  readonly timezone?: string;
  /** NTP servers for systemd-timesyncd. @default - servers from DHCP, else Flatcar's pool */
  readonly ntpServers?: readonly string[];
  /**
   * How k3s gets onto nodes that run it (`K3sFlatcarInstall.sysext({ version, sha256 })`, the
   * sysext-bakery image, or `.binary({ version, sha256 })`); nodes run its `version`. Required once any node carries k3s settings.
   * @default - none: rendering a node with k3s fails and says to set it
   */
  readonly k3sInstall?: K3sFlatcarInstall;
  /** Edits each node's config last, after hostname, keys, updates, time, k3s and the cluster's escape hatches. @default - none */
  readonly customize?: FlatcarNodeCustomizer;
}


// Checked by the Flatcar constructor with their own messages; present here so they are known keys.
const checkedLater: Shape = () => undefined;

/** {@link FlatcarProps} at run time. */
export const FLATCAR_PROPS: Shape = object({
  ignitionVersion: checkedLater,
  controllerUpdates: checkedLater,
  workerUpdates: checkedLater,
  timezone: optional(str({ fix: 'give a tz database name such as "Europe/Berlin"' })),
  ntpServers: optional(list(str({ fix: 'give host names or addresses such as "time.cloudflare.com"' }), { unique: true })),
  k3sInstall: checkedLater,
  customize: checkedLater,
} satisfies ShapeOf<FlatcarProps>);
