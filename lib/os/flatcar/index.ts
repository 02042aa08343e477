export * from "./flatcar";
export * from "./updates";
export * from "./hostname";
export * from "./network";
export * from "./container";
export * from "./sysext";
export * from "./time";
