export * from "./image";
export * from "./machine";
export * from "./network";
export * from "./platform";
export * from "./provider";
export * from "./v09/image";
export * from "./v09/machine";
