export * from "./config";
export * from "./validate";
export { renderK3osYaml } from "./yaml";
export { decodeProblem } from "./decode";
export * from "./format";
