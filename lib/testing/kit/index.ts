// The testing kit: synth a stack, read every node's config, vitest matchers, first boots.
export * from "./synth";
export * from "./nodes";
export * from "./matchers";
export * from "./boot";
export * from "./vitest";
export * from "./vm";
export * from "./vm-matchers";
