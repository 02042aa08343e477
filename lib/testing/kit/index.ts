// The testing kit: synth a stack, read every node's config, vitest matchers, first boots.
export * from "./synth";
export * from "./nodes";
export * from "./delivery";
export * from "./matchers";
export * from "./vitest";
export * from "./vm-matchers";
