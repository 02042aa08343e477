export * from "./k3os";
export * from "./k3s";
