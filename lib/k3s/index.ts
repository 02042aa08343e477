export * from "./node";
// The Kubernetes name checks are shared with lib/k3os and live in lib/core; exported here as before.
export * from "../core/kubernetes";
export * from "./validate";
export * from "./config-file";
export * from "./certificates";
