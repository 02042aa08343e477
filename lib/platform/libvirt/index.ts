export * from "./image";
export * from "./machine";
export * from "./network";
export * from "./platform";
export * from "./provider";
