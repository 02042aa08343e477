/**
 * Shared checks for the Fedora CoreOS helpers. Internal: not re-exported from the package.
 */
import { MicroOsError } from "../../core/errors";

/** Where Fedora CoreOS helper errors point: the config location, since helpers are not constructs. */
export const AT = "FedoraCoreOs";

/** Throws the library's error for a bad Fedora CoreOS input. */
export function fail(field: string, problem: string, fix: string): never {
  throw new MicroOsError(AT, field, problem, fix);
}
