/**
 * Ignition spec versions this library renders, which Ignition release first reads each one, and
 * which spec each feature needs. OS policy (which OS release ships which Ignition) lives with each
 * OS (lib/os/flatcar/releases.ts, lib/os/fcos/releases.ts), not here.
 */
export enum IgnitionVersion {
  V3_3_0 = "3.3.0",
  V3_4_0 = "3.4.0",
  V3_5_0 = "3.5.0",
  V3_6_0 = "3.6.0",
}

/** The versions in order, oldest first. */
export const IGNITION_VERSIONS: readonly IgnitionVersion[] = [IgnitionVersion.V3_3_0, IgnitionVersion.V3_4_0, IgnitionVersion.V3_5_0, IgnitionVersion.V3_6_0];

/** Whether `v` is a spec version this library renders (guards JavaScript callers). */
export function isIgnitionVersion(v: unknown): v is IgnitionVersion {
  return (IGNITION_VERSIONS as readonly unknown[]).includes(v);
}

/** Negative, zero or positive as spec `a` is older than, equal to or newer than `b`. */
export function compareSpecs(a: IgnitionVersion, b: IgnitionVersion): number {
  return IGNITION_VERSIONS.indexOf(a) - IGNITION_VERSIONS.indexOf(b);
}

/**
 * The first Ignition release that reads each spec as stable (coreos/ignition
 * docs/release-notes.md at v2.26.0: "Mark the 3.N.0 config spec as stable" under 2.15.0 for 3.4.0,
 * 2.20.0 for 3.5.0 and 2.26.0 for 3.6.0; spec 3.3.0 is stable in 2.14.0, the release Debian ships).
 */
export const FIRST_IGNITION_READING: Readonly<Record<IgnitionVersion, string>> = {
  [IgnitionVersion.V3_3_0]: "2.14.0",
  [IgnitionVersion.V3_4_0]: "2.15.0",
  [IgnitionVersion.V3_5_0]: "2.20.0",
  [IgnitionVersion.V3_6_0]: "2.26.0",
};

/** The newest spec an Ignition release (`2.24.0`) reads, or undefined before 2.14.0. */
export function highestSpecReadBy(ignitionRelease: string): IgnitionVersion | undefined {
  const n = (v: string) => v.split(".").map(Number);
  const [a, b, c] = n(ignitionRelease);
  let best: IgnitionVersion | undefined;
  for (const v of IGNITION_VERSIONS) {
    const [x, y, z] = n(FIRST_IGNITION_READING[v]);
    if (a > x || (a === x && (b > y || (b === y && c >= z)))) best = v;
  }
  return best;
}

/** A feature of the spec that not every version (or every OS) has. */
export enum IgnitionFeature {
  /** `storage.luks[].discard` (3.4.0). */
  LUKS_DISCARD = "luks discard",
  /** `storage.luks[].openOptions` (3.4.0). */
  LUKS_OPEN_OPTIONS = "luks openOptions",
  /** An `arn:` source, an S3 access point or object ARN (3.4.0). */
  ARN_SOURCE = "an arn: source (an S3 access point)",
  /** `storage.luks[].clevis.tang[].advertisement`, offline Tang provisioning (3.4.0). */
  TANG_ADVERTISEMENT = "a Tang advertisement (offline provisioning)",
  /** `storage.luks[].clevis`: TPM2, Tang or custom pin bindings (3.2.0). */
  LUKS_CLEVIS = "clevis (TPM2, Tang or custom bindings) for LUKS",
  /** `storage.luks[].cex`: IBM Crypto Express keys on s390x (3.5.0). */
  LUKS_CEX = "luks cex (IBM Crypto Express)",
  /** A clevis custom pin other than tpm2, tang and sss (3.6.0). */
  CLEVIS_ANY_CUSTOM_PIN = "a clevis custom pin other than tpm2, tang or sss",
  /** setuid, setgid and sticky bits in a file or directory mode, applied from 3.6.0 (earlier specs ignore them). */
  MODE_SPECIAL_BITS = "setuid, setgid or sticky mode bits",
}

/**
 * The first spec with each feature: coreos/ignition docs/migrating-configs.md ("From Version
 * 3.3.0 to 3.4.0": Tang advertisement, LUKS discard and open options; "3.4.0 to 3.5.0": LUKS CEX;
 * "3.5.0 to 3.6.0": special mode bits), config/v3_4/types/url.go (arn), config/v3_6/types/clevis.go
 * (custom pins no longer limited to tpm2, tang and sss; release notes 2.25.0).
 */
export const FEATURE_SINCE: Readonly<Record<IgnitionFeature, IgnitionVersion>> = {
  [IgnitionFeature.LUKS_DISCARD]: IgnitionVersion.V3_4_0,
  [IgnitionFeature.LUKS_OPEN_OPTIONS]: IgnitionVersion.V3_4_0,
  [IgnitionFeature.ARN_SOURCE]: IgnitionVersion.V3_4_0,
  [IgnitionFeature.TANG_ADVERTISEMENT]: IgnitionVersion.V3_4_0,
  [IgnitionFeature.LUKS_CLEVIS]: IgnitionVersion.V3_3_0,
  [IgnitionFeature.LUKS_CEX]: IgnitionVersion.V3_5_0,
  [IgnitionFeature.CLEVIS_ANY_CUSTOM_PIN]: IgnitionVersion.V3_6_0,
  [IgnitionFeature.MODE_SPECIAL_BITS]: IgnitionVersion.V3_6_0,
};

/**
 * What an OS reads of Ignition: a variant over the shared model, as Butane has one per OS
 * (coreos/butane config/fcos/v1_x, config/flatcar/v1_x). The OS builds one; the shared model
 * asks it, and holds no OS policy itself.
 */
export interface IgnitionVariant {
  /** The OS, for messages: `Flatcar`, `Fedora CoreOS`. */
  readonly name: string;
  /**
   * Features the OS lacks whatever the spec, each with the reason (for example Flatcar ships no
   * clevis). @default - none
   */
  readonly unsupported?: Readonly<Partial<Record<IgnitionFeature, string>>>;
  /**
   * Where to find a release that reads `spec`, for the fix of a refusal: `pin Flatcar 4593.2.5
   * or newer`. @default - a generic fix naming the spec
   */
  whereToRead?(spec: IgnitionVersion): string;
  /**
   * The Butane variant the OS reads (coreos/butane docs/specs.md: `flatcar`, `fcos`); addButane()
   * refuses another. @default - any variant addButane() reads
   */
  readonly butane?: string;
}
