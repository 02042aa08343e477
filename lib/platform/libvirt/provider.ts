/**
 * The dmacvicar/libvirt provider, pinned to a version the bindings were generated from: 0.9.7
 * (gen/libvirt-0.9, the default) or 0.8.3 (gen/libvirt).
 */
import { type Construct, TerraformStack } from "../../cdktf";
import { MicroOsError } from "../../core/errors";
import { describeValue } from "../../core/props";
import { LibvirtProvider as LibvirtProvider08 } from "../../../gen/libvirt/providers/libvirt/provider";
import { LibvirtProvider as LibvirtProvider09 } from "../../../gen/libvirt-0.9/providers/libvirt/provider";

/**
 * The dmacvicar/libvirt provider versions the platform builds for. Their resources differ (0.9
 * rewrote the provider on the Plugin Framework, with a schema that mirrors libvirt's XML), so a
 * state made with one is not carried over by the other: see lib/platform/libvirt/README.md.
 */
export enum LibvirtProviderVersion {
  /** The last release of the legacy line (branch v0.8, last commit 2025-03-22). */
  V0_8_3 = "0.8.3",
  /** The maintained provider (tag v0.9.7, 2026-03-29). The default. */
  V0_9_7 = "0.9.7",
}

/** The version the platform builds for when none is given. */
export const DEFAULT_LIBVIRT_PROVIDER_VERSION = LibvirtProviderVersion.V0_9_7;

/** The provider version the bindings in gen/libvirt were generated for (schemas/libvirt-0.8.3.provider-schema.json). */
export const LIBVIRT_PROVIDER_VERSION = LibvirtProviderVersion.V0_8_3;
/** Registry source of the provider (registry.terraform.io/dmacvicar/libvirt). */
export const LIBVIRT_PROVIDER_SOURCE = "dmacvicar/libvirt";
/** The connection URI of the local system libvirt daemon (libvirt.org/uri.html). */
export const LIBVIRT_LOCAL_URI = "qemu:///system";

/**
 * `version` as a LibvirtProviderVersion, refusing anything else (a JavaScript caller's `"0.9"`,
 * a version this library has no bindings for) at `at`.
 */
export function checkLibvirtProviderVersion(at: string, version: unknown): LibvirtProviderVersion {
  const known = Object.values(LibvirtProviderVersion) as string[];
  if (typeof version !== "string" || !known.includes(version)) {
    throw new MicroOsError(
      at,
      "provider",
      `${describeValue(version)} is not a dmacvicar/libvirt version this library writes for (${known.join(", ")})`,
      "give LibvirtProviderVersion.V0_9_7 (the default) or LibvirtProviderVersion.V0_8_3",
    );
  }
  return version as LibvirtProviderVersion;
}

/** The generated provider class of either version. */
export type AnyLibvirtProvider = LibvirtProvider08 | LibvirtProvider09;

/**
 * Returns the stack's libvirt provider, creating one (id `libvirt`) for `uri` when the stack has
 * none, and pins `required_providers.libvirt` to `= <version>` either way. The generated provider
 * writes the bare version; the explicit `=` says in the output that the pin is exact. A stack
 * holds one provider version: asking for the other one is refused.
 */
export function ensureLibvirtProvider(scope: Construct, uri: string = LIBVIRT_LOCAL_URI, version: LibvirtProviderVersion = DEFAULT_LIBVIRT_PROVIDER_VERSION): AnyLibvirtProvider {
  checkLibvirtProviderVersion(scope.node.path, version);
  const stack = TerraformStack.of(scope);
  const wanted = version === LibvirtProviderVersion.V0_8_3 ? LibvirtProvider08 : LibvirtProvider09;
  const other = version === LibvirtProviderVersion.V0_8_3 ? LibvirtProvider09 : LibvirtProvider08;
  const clash = stack.node.children.find((c) => c instanceof other);
  if (clash) {
    const otherVersion = version === LibvirtProviderVersion.V0_8_3 ? LibvirtProviderVersion.V0_9_7 : LibvirtProviderVersion.V0_8_3;
    throw new MicroOsError(
      scope.node.path,
      "provider",
      `the stack already uses the libvirt provider ${otherVersion} (${clash.node.path}), and a stack pins one version`,
      `give every libvirt cluster of the stack the same \`provider\` (LibvirtProviderVersion.V${otherVersion.replace(/\./g, "_")}), or put this one in its own stack`,
    );
  }
  let provider = stack.node.children.find((c): c is AnyLibvirtProvider => c instanceof wanted);
  if (!provider) {
    provider = new wanted(stack, "libvirt", { uri });
  }
  stack.addOverride("terraform.required_providers.libvirt", {
    source: LIBVIRT_PROVIDER_SOURCE,
    version: `= ${version}`,
  });
  return provider;
}
