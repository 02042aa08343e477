/**
 * A stub Ignition config that replaces itself with the config at a URL, verified by its SHA-512
 * (Ignition spec 3.x `ignition.config.replace`; coreos/ignition docs/configuration-v3_3.md). How
 * a node boots a config too large for, or too secret for, its cloud's user data (coreos/bugs#1631).
 */

/** The stub for the config at `source` (`s3://...`, `https://...`) whose SHA-512 is `sha512Hex`. */
export function ignitionReplaceStub(version: string, source: string, sha512Hex: string): string {
  return JSON.stringify({
    ignition: { version, config: { replace: { source, verification: { hash: `sha512-${sha512Hex}` } } } },
  });
}
