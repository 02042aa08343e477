/**
 * The dmacvicar/libvirt 0.9.7 provider for the 0.9 prototype, pinned to the version its bindings
 * (gen/libvirt-0.9) were generated from.
 */
import { type Construct, TerraformStack } from "../../../cdktf";
import { LibvirtProvider } from "../../../../gen/libvirt-0.9/providers/libvirt/provider";

/** The provider version the bindings in gen/libvirt-0.9 were generated for (schemas/libvirt-0.9.7.provider-schema.json). */
export const LIBVIRT_09_PROVIDER_VERSION = "0.9.7";

/**
 * Returns the stack's libvirt provider, creating one (id `libvirt`) for `uri` when the stack has
 * none, and pins `required_providers.libvirt` to `= 0.9.7`.
 */
export function ensureLibvirt09Provider(scope: Construct, uri: string): LibvirtProvider {
  const stack = TerraformStack.of(scope);
  let provider = stack.node.children.find((c): c is LibvirtProvider => c instanceof LibvirtProvider);
  if (!provider) provider = new LibvirtProvider(stack, "libvirt", { uri });
  stack.addOverride("terraform.required_providers.libvirt", { source: "dmacvicar/libvirt", version: `= ${LIBVIRT_09_PROVIDER_VERSION}` });
  return provider;
}
