// What the package root exports of the libvirt platform: the platform, its options, constructs and
// provider version, and the boot profile contract an OS answers; not its hashing helpers.
export { LibvirtImage, type LibvirtImageProps } from "./image";
export { LibvirtMachine, type LibvirtMachineProps, ReplacementPolicy } from "./machine";
export * from "./network";
export { LibvirtClusterBinding, type LibvirtClusterBindingProps, type LibvirtLocalProps, LibvirtPlatform } from "./platform";
export * from "./provider";
export * from "./profile";
