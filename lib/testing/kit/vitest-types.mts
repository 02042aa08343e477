/**
 * The kit's matchers on vitest's `expect(...)` (vitest 4 docs, "Extending Matchers": augment
 * `Matchers<T>`, which @vitest/expect's `Assertion` extends).
 *
 * An ES module on purpose. This package is CommonJS, so in its CommonJS declaration files
 * TypeScript resolves `declare module "vitest"` with vitest's "require" condition
 * (vitest/index.d.cts, an `export *` of dist/index.d.ts), and an augmentation through `export *`
 * does not reach the `Matchers` a test file sees when it resolves vitest with the "import"
 * condition (moduleResolution bundler: TS2339 on every matcher). From this file the augmentation
 * targets vitest/dist/index.d.ts, which both of vitest's type entries lead to, under node10,
 * node16, nodenext and bundler alike (scripts/pack-test.sh checks all four). Type-only: its
 * emitted .mjs is never loaded.
 */
import type {} from "vitest";
import type { MicroOsMatchers } from "./vitest.js";

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends MicroOsMatchers<T> {}
}
