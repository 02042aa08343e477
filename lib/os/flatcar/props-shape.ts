/**
 * The shape of {@link FlatcarProps}, checked at `Flatcar.channel` / `Flatcar.release`
 * (lib/core/props.ts): unknown options and wrong types are refused there. The update, install and
 * time settings keep their own, more specific checks in flatcar.ts and time.ts.
 */
import { type ShapeOf, list, object, optional, type Shape, str } from "../../core/props";
import type { FlatcarProps } from "./flatcar";

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
