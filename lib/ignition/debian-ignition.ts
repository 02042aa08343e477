/**
 * What Debian's Ignition 2.14 (the `ignition` package in bookworm, trixie and sid) can read of a
 * config the library renders: it knows specs 3.0.0 to 3.3.0 and 3.4.0 by its pre-release name
 * `3.4.0-experimental` (it rejects "3.4.0"), and nothing newer.
 *
 * Specs 3.5.0 and 3.6.0 differ from 3.4.0 only by what coreos/ignition v2.26.0 shows between
 * config/v3_4, v3_5 and v3_6 (schema/ignition.json and types/*.go): `storage.luks[].cex` (3.5.0),
 * custom clevis pins beyond tpm2, tang and sss, and setuid/setgid/sticky mode bits being applied
 * (3.6.0; docs/migrating-configs.md). A 3.5.0 or 3.6.0 config using none of them means the same
 * at 3.4.0, so it is handed to 2.14 under that version; one that uses them cannot be checked or
 * booted here, and says why.
 */

const PRERELEASE_34 = "3.4.0-experimental";

type Json = Record<string, unknown>;

/** The config as 2.14 reads it, or why it cannot. */
export type ForDebian = { readonly ok: true; readonly config: Json; readonly from?: string } | { readonly ok: false; readonly reason: string };

/** Why a 3.5.0/3.6.0 config cannot be read as 3.4.0: the fields it uses that 3.4.0 lacks (empty when none). */
export function newerThan34(config: unknown): string[] {
  const found: string[] = [];
  if (!isObject(config)) return found;
  const storage = isObject(config.storage) ? config.storage : {};
  asArray(storage.luks).forEach((l, i) => {
    if (!isObject(l)) return;
    if (l.cex !== undefined && l.cex !== null) found.push(`storage.luks[${i}].cex (spec 3.5.0)`);
    const pin = isObject(l.clevis) && isObject(l.clevis.custom) ? l.clevis.custom.pin : undefined;
    if (typeof pin === "string" && pin !== "" && !["tpm2", "tang", "sss"].includes(pin)) found.push(`storage.luks[${i}].clevis.custom.pin ${JSON.stringify(pin)} (spec 3.6.0)`);
  });
  for (const list of ["files", "directories"] as const) {
    asArray(storage[list]).forEach((n, i) => {
      if (isObject(n) && typeof n.mode === "number" && (n.mode & 0o7000) !== 0) found.push(`storage.${list}[${i}].mode 0o${n.mode.toString(8)} (special bits, applied from spec 3.6.0)`);
    });
  }
  return found;
}

/**
 * The config (a copy) with its version as Debian's 2.14 names it: 3.4.0 as `3.4.0-experimental`,
 * and 3.5.0 or 3.6.0 the same way when {@link newerThan34} finds nothing. Child configs inside
 * `data:` URLs are not rewritten here (the first-boot and VM preparers walk them).
 */
export function forDebianIgnition(config: unknown): ForDebian {
  if (!isObject(config)) return { ok: true, config: config as Json };
  const copy = JSON.parse(JSON.stringify(config)) as Json;
  const ign = isObject(copy.ignition) ? copy.ignition : undefined;
  const version = ign?.version;
  if (version === "3.4.0") {
    ign!.version = PRERELEASE_34;
    return { ok: true, config: copy, from: version };
  }
  if (version === "3.5.0" || version === "3.6.0") {
    const newer = newerThan34(copy);
    if (newer.length) {
      return { ok: false, reason: `Debian's Ignition 2.14 reads up to 3.4.0-experimental, and this ${version} config uses ${newer.join(", ")}, which 3.4.0 lacks` };
    }
    ign!.version = PRERELEASE_34;
    return { ok: true, config: copy, from: version };
  }
  return { ok: true, config: copy };
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
