/**
 * Shared checks for the Flatcar helpers. Internal: not re-exported from the package.
 */
import { MicroOsError } from "../../core/errors";
import type { IgnitionConfig } from "../../ignition/config";

/** Where Flatcar helper errors point: the config location, since helpers are not constructs. */
export const AT = "Flatcar";

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
 * Adds what `add` writes once per config however many helpers ask for it (a shared unit, a shared
 * dropin). The config keeps the key, so merging two configs that each hold the part keeps one.
 */
export function once(config: IgnitionConfig, key: string, add: (part: IgnitionConfig) => void): void {
  config.addShared(`flatcar:${key}`, add);
}
