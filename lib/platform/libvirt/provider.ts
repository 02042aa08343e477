/**
 * The dmacvicar/libvirt provider, pinned to the version the bindings in gen/libvirt were generated
 * for (schemas/libvirt-0.9.7.provider-schema.json).
 */
import { type Construct, TerraformStack } from "../../cdktf";
import { LIBVIRT_BINDINGS_VERSION } from "../../../gen/libvirt/resource";
import { LibvirtProvider } from "../../../gen/libvirt/provider";

/**
 * The dmacvicar/libvirt version the platform writes for and pins exactly: the maintained line's
 * newest tag (v0.9.7, 2026-03-29). 0.9 rewrote the provider on the Plugin Framework, with a
 * schema that mirrors libvirt's XML; the legacy 0.8 line is not supported (lib/platform/libvirt/README.md).
 */
export const LIBVIRT_PROVIDER_VERSION: string = LIBVIRT_BINDINGS_VERSION;
/** Registry source of the provider (registry.terraform.io/dmacvicar/libvirt). */
export const LIBVIRT_PROVIDER_SOURCE = "dmacvicar/libvirt";
/** The connection URI of the local system libvirt daemon (libvirt.org/uri.html). */
export const LIBVIRT_LOCAL_URI = "qemu:///system";

/**
 * Returns the stack's libvirt provider, creating one (id `libvirt`) for `uri` when the stack has
 * none, and pins `required_providers.libvirt` to `= <LIBVIRT_PROVIDER_VERSION>` either way (the
 * explicit `=` says in the output that the pin is exact).
 */
export function ensureLibvirtProvider(scope: Construct, uri: string = LIBVIRT_LOCAL_URI): LibvirtProvider {
  const stack = TerraformStack.of(scope);
  let provider = stack.node.children.find((c): c is LibvirtProvider => c instanceof LibvirtProvider);
  if (!provider) {
    provider = new LibvirtProvider(stack, "libvirt", { uri });
  }
  stack.addOverride("terraform.required_providers.libvirt", {
    source: LIBVIRT_PROVIDER_SOURCE,
    version: `= ${LIBVIRT_PROVIDER_VERSION}`,
  });
  return provider;
}
