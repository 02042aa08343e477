// cdktf-microos/testing: the kit for unit-testing synthesized clusters, and the checkers it builds on.
export * from "./kit";
export * from "./ignition";
export * from "./k3os";
export * from "./libvirt-schema";
export * from "./terraform";
export * from "./firstboot";
export * from "./external";
export * from "./vm";
