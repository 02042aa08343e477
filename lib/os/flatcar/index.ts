export * from "./flatcar";
export * from "./updates";
export * from "./hostname";
export * from "./network";
export * from "./container";
export * from "./sysext";
export * from "./time";
// k3s on Flatcar; applyK3s is internal.
export {
  applyK3sToFlatcar,
  type K3sArtifactHashes,
  type K3sBinaryProps,
  K3sFlatcarInstall,
  type K3sFlatcarOptions,
  type K3sSysextProps,
  k3sUnitName,
} from "./k3s";
export { FLATCAR_AMI_OWNER } from "./aws";
export { FLATCAR_FW_CFG_KEY } from "./libvirt";
