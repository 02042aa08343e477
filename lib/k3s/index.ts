export * from "./node";
export * from "./kubernetes";
export * from "./validate";
export * from "./config-file";
export * from "./k3os";
export * from "./ignition";
