/**
 * External programs the validators run (ignition-validate, the Ignition program, terraform with
 * the AWS provider mirror), and the one policy for a missing one: in CI (`CI` set) it fails the
 * test; elsewhere the test is skipped with the reason and how to install it.
 */

/** An external program a check needs, and where it was found. */
export interface ExternalTool {
  /** Short name for messages. */
  readonly name: string;
  /** Resolved location (a path), or undefined when missing. */
  readonly location: string | undefined;
  /** How to get it, for the skip message. */
  readonly install: string;
}

/** A test context that can skip the running test (vitest's `TestContext`). */
export interface SkippableTest {
  skip(note?: string): void;
}

/**
 * Returns the tool's location, or skips the running test with the reason (throws in CI, or when
 * no test context is given). Call first thing in a test: `const bin = need(ctx, ignitionValidateTool())`.
 */
export function need(test: SkippableTest | undefined, tool: ExternalTool, what: string = tool.name): string {
  if (tool.location) return tool.location;
  const reason = `${what} not available: ${tool.install}`;
  if (process.env.CI) throw new Error(`${reason} (CI requires every external validator)`);
  test?.skip(reason);
  throw new Error(reason);
}
