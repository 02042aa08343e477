/**
 * The Ignition spec each Flatcar release reads, with sources, and Flatcar's Ignition variant
 * (what Flatcar lacks of the shared model).
 */
import { IgnitionFeature, type IgnitionVariant, IgnitionVersion } from "../../ignition/version";
import { compareDotted, type SpecTable, whereToRead } from "../ignition-os/releases";

/**
 * Flatcar releases and the newest spec each reads. Releases between rows read what the row before
 * says; between 3535 and 4593 no source here says which release first shipped Ignition 2.20.0
 * (the first to read 3.5.0, coreos/ignition docs/release-notes.md), so they are held to 3.4.0.
 */
export const FLATCAR_SPECS: SpecTable = {
  os: "Flatcar",
  compare: compareDotted,
  rows: [
    { from: "3185.0.0", spec: IgnitionVersion.V3_3_0, source: "Flatcar reads Ignition spec 3.x from 3185.0.0 (spec 3.3.0; shared/reference/FACTS.md, flatcar/Flatcar#1000)" },
    { from: "3535.0.0", spec: IgnitionVersion.V3_4_0, source: "spec 3.4.0 from Alpha 3535 (flatcar/Flatcar#1000)" },
    {
      from: "4593.0.0",
      spec: IgnitionVersion.V3_5_0,
      ignition: "2.24.0",
      source: "Stable 4593.2.5 (2026-08-13) ships Ignition 2.24.0, and Ignition 2.20.0 made spec 3.5.0 stable (FACTS.md 'Flatcar today'; coreos/ignition docs/release-notes.md)",
    },
  ],
};

/**
 * What the newest release of each channel reads today: Stable, Beta and Alpha ship Ignition
 * 2.24.0 (FACTS.md "Flatcar today"), so 3.5.0; LTS is an older major whose Ignition no source
 * here names, newer than 3535 (LTS 4081.3.3 in flatcar/flatcar-website#417, 2025-05), so 3.4.0.
 */
export const FLATCAR_CHANNEL_SPECS: Readonly<Record<"stable" | "beta" | "alpha" | "lts", IgnitionVersion>> = {
  stable: IgnitionVersion.V3_5_0,
  beta: IgnitionVersion.V3_5_0,
  alpha: IgnitionVersion.V3_5_0,
  lts: IgnitionVersion.V3_4_0,
};

/**
 * Flatcar's Ignition variant: no clevis (coreos/butane config/flatcar/v1_0 and v1_1
 * translate.go filter `storage.luks.clevis` with ErrClevisSupport; only the experimental
 * flatcar 1.2.0 allows it, for releases no source here names) and no cex (s390x only; butane
 * config/flatcar/v1_2_exp translate.go filters `storage.luks.cex`).
 */
export const FLATCAR_VARIANT: IgnitionVariant = {
  name: "Flatcar",
  unsupported: {
    [IgnitionFeature.LUKS_CLEVIS]: "its stable Butane variants (flatcar 1.0.0, 1.1.0) refuse luks.clevis, as Flatcar ships no clevis; give a keyFile, or no key for a random one stored on the root filesystem",
    [IgnitionFeature.LUKS_CEX]: "cex needs an IBM Crypto Express card on s390x, which Flatcar is not built for (butane config/flatcar/v1_2_exp refuses luks.cex)",
  },
  whereToRead: (spec) => whereToRead(FLATCAR_SPECS, spec),
  // coreos/butane docs/specs.md: Flatcar's Butane variant.
  butane: "flatcar",
};
