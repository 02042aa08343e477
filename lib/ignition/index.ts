export * from "./spec";
export * from "./config";
export { decodeDataUrl } from "./encode";
