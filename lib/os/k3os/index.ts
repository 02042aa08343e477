export * from "./k3os";
export * from "./k3s";
export { k3osInstallArgs, k3osReleaseAssets } from "./libvirt";
