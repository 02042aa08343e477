/**
 * Installs the kit's matchers into vitest's `expect` and declares their types on vitest's
 * `Assertion`. Call `installMatchers(expect)` once (a setup file, or the top of a test file).
 *
 * The kit takes `expect` from the caller instead of importing vitest: this package is CommonJS,
 * and vitest refuses to be loaded with require() (vitest/index.cjs throws), so a runtime import
 * here would break every user's test.
 */
// The matcher types on vitest's Matchers live in an ES module declaration file, so that every
// moduleResolution reaches the same vitest typings (see vitest-types.mts); preserve="true" keeps
// this reference in the emitted vitest.d.ts (TypeScript 5.5+ drops it otherwise).
/// <reference path="./vitest-types.mts" preserve="true" />
import {
  type FileExpectation,
  type MatchContext,
  type MatchResult,
  type TextExpectation,
  type UnitExpectation,
  type UserExpectation,
  type ValidatorOptions,
  toHaveFile,
  toHaveConfigKey,
  toHaveResourceWithProperties,
  toHaveUnit,
  toHaveUser,
  toPassValidators,
} from "./matchers";
import type { ResourceType } from "./synth";
import { toAcceptSsh, toHaveActiveUnit, toHaveBootedCleanly, toHaveMount, type MountExpectation } from "./vm-matchers";

/** The matchers on a VM boot's report (bootVm), as they read on `expect(...)`. */
export interface VmMatchers<R = unknown> {
  /** The booted VM has unit `name` active. */
  toHaveActiveUnit(name: string): R;
  /** The booted VM has a file system mounted at `target`, optionally from this source and of this type. */
  toHaveMount(target: string, expected?: MountExpectation): R;
  /** `core` logged in to the booted VM over ssh with the runner's key. */
  toAcceptSsh(): R;
  /** No unit failed and every enabled unit of the config is active, except those listed (name -> why it cannot run in the VM). */
  toHaveBootedCleanly(expectedInactive?: Readonly<Record<string, string>>): R;
}

/** The kit's matchers, as they read on `expect(...)`. */
export interface MicroOsMatchers<R = unknown> extends VmMatchers<R> {
  /**
   * The node (each node, for a list or a whole synth; none with `.not`), or a booted root, has a
   * file at `path`, optionally with these decoded contents and mode (and owner, on a booted root).
   */
  toHaveFile(path: string, expected?: FileExpectation & { readonly user?: string }): R;
  /** The node has a systemd unit `name` (written or enabled by a `.wants` link), optionally enabled or not. */
  toHaveUnit(name: string, expected?: UnitExpectation): R;
  /** The node has user `name`, optionally with this authorized ssh key. */
  toHaveUser(name: string, expected?: UserExpectation): R;
  /** The node's config, as its format's reader returns it, has the dotted key (`k3os.token`), optionally equal to `value`. */
  toHaveConfigKey(path: string, value?: unknown): R;
  /** The node's config passes its format's validators. */
  toPassValidators(options?: ValidatorOptions): R;
  /** The synthesized stack has a resource of `type` with these properties (camelCase or snake_case). */
  toHaveResourceWithProperties(type: ResourceType, properties?: Readonly<Record<string, unknown>>): R;
}

type Raw = (ctx: MatchContext, received: unknown, ...args: never[]) => MatchResult;

function adapt(fn: Raw) {
  return function (this: MatcherThis, received: unknown, ...args: unknown[]) {
    const ctx: MatchContext = { isNot: this.isNot, equals: (a, b) => this.equals(a, b) };
    const r = (fn as (ctx: MatchContext, received: unknown, ...args: unknown[]) => MatchResult)(ctx, received, ...args);
    return { pass: r.pass, message: r.message };
  };
}

/** What a matcher reads from vitest's matcher state (vitest MatcherState: isNot, equals). */
export interface MatcherThis {
  /** The assertion is negated (`.not`). */
  readonly isNot: boolean;
  /** vitest's deep equality. */
  equals(a: unknown, b: unknown): boolean;
}

/** The part of vitest's `expect` the kit uses. */
export interface ExtensibleExpect {
  /** Adds matchers (vitest `expect.extend`). */
  extend(matchers: Record<string, (this: MatcherThis, received: unknown, ...args: unknown[]) => { pass: boolean; message: () => string }>): void;
}

/**
 * Adds the kit's matchers to vitest's `expect`:
 * `import { expect } from "vitest"; installMatchers(expect);`. Calling it again is harmless.
 */
export function installMatchers(expect: ExtensibleExpect): void {
  expect.extend({
    toHaveFile: adapt(toHaveFile as Raw),
    toHaveUnit: adapt(toHaveUnit as Raw),
    toHaveUser: adapt(toHaveUser as Raw),
    toHaveConfigKey: adapt(toHaveConfigKey as Raw),
    toPassValidators: adapt(toPassValidators as Raw),
    toHaveResourceWithProperties: adapt(toHaveResourceWithProperties as Raw),
    toHaveActiveUnit: adapt(toHaveActiveUnit as Raw),
    toHaveMount: adapt(toHaveMount as Raw),
    toAcceptSsh: adapt(toAcceptSsh as Raw),
    toHaveBootedCleanly: adapt(toHaveBootedCleanly as Raw),
  });
}

export type { TextExpectation };
