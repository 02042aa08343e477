/**
 * The dmacvicar/libvirt provider, pinned to the version the bindings were generated from.
 */
import { type Construct, TerraformStack } from "../../cdktf";
import { LibvirtProvider } from "../../../gen/libvirt/providers/libvirt/provider";

/** The provider version the bindings in gen/libvirt were generated for (schemas/libvirt-0.8.3.provider-schema.json). */
export const LIBVIRT_PROVIDER_VERSION = "0.8.3";
/** Registry source of the provider. */
export const LIBVIRT_PROVIDER_SOURCE = "dmacvicar/libvirt";
/** The connection URI of the local system libvirt daemon (libvirt.org/uri.html). */
export const LIBVIRT_LOCAL_URI = "qemu:///system";

/**
 * Returns the stack's libvirt provider, creating one (id `libvirt`) for `uri` when the stack has
 * none, and pins `required_providers.libvirt` to `= 0.8.3` either way. The generated provider
 * writes the bare version (`0.8.3`); the explicit `=` says in the output that the pin is exact.
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
