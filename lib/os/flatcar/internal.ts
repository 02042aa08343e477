/**
 * Shared checks for the Flatcar helpers. Internal: not re-exported from the package.
 */
import { MicroOsError } from "../../core/errors";
import type { IgnitionConfig } from "../../ignition/config";

/** Where Flatcar helper errors point: the config location, since helpers are not constructs. */
export const AT = "flatcar";

/** Throws the library's error for a bad Flatcar helper input. */
export function fail(field: string, problem: string, fix: string): never {
  throw new MicroOsError(AT, field, problem, fix);
}

/** Throws unless `value` is a non-empty string (guards JavaScript callers and `as any`). */
export function requireText(field: string, value: unknown, fix: string): string {
  if (typeof value !== "string" || value.trim() === "") fail(field, "the value is empty", fix);
  return value;
}

/**
 * Things a helper adds once per config however many times it is asked (a shared unit, a shared
 * dropin). The builder refuses duplicates, so helpers remember what they already added here.
 */
const added = new WeakMap<IgnitionConfig, Set<string>>();

/** Runs `add` the first time `key` is seen for `config`; later calls do nothing. */
export function once(config: IgnitionConfig, key: string, add: () => void): void {
  let keys = added.get(config);
  if (!keys) {
    keys = new Set();
    added.set(config, keys);
  }
  if (keys.has(key)) return;
  add();
  keys.add(key);
}
