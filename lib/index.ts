// The public API of cdktf-microos. The testing kit is a separate entry point: cdktf-microos/testing.
export * from "./core/errors";
export * from "./core/node";
export type { Encoder } from "./core/deferred";
export * from "./ignition";
export * from "./k3os";
export * from "./k3s";
export * from "./os/types";
export * from "./os/os";
export * from "./os/flatcar";
export * from "./os/fcos";
export * from "./os/k3os";
export * from "./os/kairos";
export * from "./platform/platform";
export * from "./platform/aws";
export * from "./platform/libvirt";
export * from "./cluster";
export * from "./core/size";
