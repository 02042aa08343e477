export * from "./spec";
// The spec versions and, for OS authors, the variant contract; the tables and helpers stay internal.
export { IgnitionVersion, IgnitionFeature, type IgnitionVariant } from "./version";
export * from "./config";
export { validateIgnitionSpec } from "./validate";
export type { Problem } from "./checks";
export * from "./format";
export { ignitionReplaceStub } from "./stub";
