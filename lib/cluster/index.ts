export * from "./cluster";
export * from "./token";
