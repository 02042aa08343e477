/**
 * Shared by the refusal tests: a table of bad inputs, each run and checked for the library's
 * error with its exact message text (a fragment naming the place, the field and the problem).
 */
import { expect, it } from "vitest";
import { MicroOsError } from "../lib/core/errors";

/** One bad input: what it is, the call that takes it, and the message it must be refused with. */
export interface Refusal {
  readonly name: string;
  readonly run: () => unknown;
  /** A fragment of the message (`at: field: problem`), or a pattern. */
  readonly message: string | RegExp;
}

/** Registers one test per refusal; every message must also carry a fix. */
export function refusals(cases: readonly Refusal[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`refusal "${c.name}" is listed twice`);
    names.add(c.name);
    it(`refuses ${c.name}`, () => {
      let error: unknown;
      try {
        c.run();
      } catch (e) {
        error = e;
      }
      expect(error, "the input was accepted").toBeInstanceOf(MicroOsError);
      const message = (error as MicroOsError).message;
      if (typeof c.message === "string") expect(message).toContain(c.message);
      else expect(message).toMatch(c.message);
      expect((error as MicroOsError).fix.length).toBeGreaterThan(5);
    });
  }
}
