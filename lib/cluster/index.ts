export * from "./cluster";
export * from "./token";
export * from "./certificates";
