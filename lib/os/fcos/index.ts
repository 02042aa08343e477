export * from "./fcos";
export * from "./updates";
// k3s on Fedora CoreOS; applyK3sToFcos is internal.
export { FCOS_K3S_BINARY, K3S_RPM_REPO_PATH, K3S_SELINUX_MODULE, K3S_SELINUX_UNIT, type K3sFedoraCoreOsBinaryProps, K3sFedoraCoreOsInstall } from "./k3s";
export { FCOS_AMI_OWNER } from "./aws";
export { FCOS_FW_CFG_KEY, type FedoraCoreOsQemuImages } from "./libvirt";
// Zincati reads the same day names as locksmithd (lib/core/weekday.ts); exported here for FCOS users too.
export { Weekday } from "../../core/weekday";
