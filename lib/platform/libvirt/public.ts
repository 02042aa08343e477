// What the package root exports of the libvirt platform: the platform, its options, constructs and
// provider versions, and the boot profile contract an OS answers; not its hashing helpers.
export { LibvirtImage, type LibvirtImageProps } from "./image";
export { LibvirtMachine, type LibvirtMachineProps, ReplacementPolicy } from "./machine";
export * from "./network";
export { type AnyLibvirtMachine, LibvirtCluster, type LibvirtClusterProps, type LibvirtLocalProps, LibvirtPlatform } from "./platform";
export * from "./provider";
export * from "./profile";
export { LibvirtImage09, type LibvirtImage09Props } from "./v09/image";
export { LibvirtMachine09, type LibvirtMachine09Props } from "./v09/machine";
