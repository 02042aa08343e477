export * from "./k3os";
