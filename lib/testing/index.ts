// cdktf-microos/testing: the kit for unit-testing synthesized clusters, and the checkers it builds on.
export * from "./kit";
export * from "./boot-node";
export * from "./boot-vm";
export * from "./ignition";
export * from "./k3os";
export * from "./libvirt-schema";
export * from "./terraform";
export * from "./firstboot";
export * from "./external";
export * from "./vm";
// The config models' own validators (the library runs them when it renders; tests run them on
// configs from elsewhere).
export { validateIgnitionSpec } from "../ignition/validate";
export { validateKairosConfig } from "../kairos/validate";
export { K3osDelivery, type K3osCheckOptions } from "../k3os/validate";
// A text as Terraform receives it (tokens as expressions), for resolveApplyTime without a full synth.
export { terraformExpressionText } from "../cdktf";
