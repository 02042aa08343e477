/**
 * The Ignition spec each Fedora CoreOS release reads, with sources, and its Ignition variant.
 */
import { type IgnitionVariant, IgnitionVersion } from "../../ignition/version";
import { compareDotted, type SpecTable, whereToRead } from "../ignition-os/releases";

/**
 * Fedora CoreOS releases and the newest spec each reads. Every release reads every spec up to
 * the one its Ignition stabilised (fedora-coreos-tracker Design.md, "Supported Ignition
 * Versions"). 44.x ships Ignition 2.26, which made 3.6.0 stable (FACTS.md "Today's releases";
 * coreos/ignition docs/release-notes.md 2.26.0). Which earlier release first shipped 2.15.0 or
 * 2.20.0 no source here says: releases before 44 are held to 3.4.0, the spec this library
 * rendered for them before (Butane's `fcos` 1.5.0 emits it).
 */
export const FCOS_SPECS: SpecTable = {
  os: "Fedora CoreOS",
  compare: compareDotted,
  rows: [
    { from: "0.0.0.0", spec: IgnitionVersion.V3_4_0, source: "held to 3.4.0 before 44 (no source here for the release that first shipped Ignition 2.20.0)" },
    { from: "44.0.0.0", spec: IgnitionVersion.V3_6_0, ignition: "2.26.0", source: "Fedora CoreOS 44.x ships Ignition 2.26+, which reads 3.6.0 (FACTS.md 'Today's releases')" },
  ],
};

/** What the newest release of every stream reads today: 3.6.0 (all ship Ignition 2.26; fedora-coreos-docs antora.yml). */
export const FCOS_STREAM_SPEC = IgnitionVersion.V3_6_0;

/** Fedora CoreOS reads all of the shared model: clevis and cex included (butane config/fcos/v1_7 filters nothing). */
export const FCOS_VARIANT: IgnitionVariant = {
  name: "Fedora CoreOS",
  whereToRead: (spec) => whereToRead(FCOS_SPECS, spec),
  // coreos/butane docs/specs.md: Fedora CoreOS's Butane variant.
  butane: "fcos",
};
