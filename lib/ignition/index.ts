export * from "./spec";
export * from "./version";
export * from "./config";
export { validateIgnitionSpec } from "./validate";
export type { Problem } from "./checks";
export * from "./format";
export { ignitionReplaceStub } from "./stub";
