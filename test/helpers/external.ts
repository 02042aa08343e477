/**
 * External validators (ignition-validate, the Ignition program, terraform with the AWS mirror) are
 * part of the tests. In CI (`CI` set) a missing one fails the test; on a user's machine the test is
 * reported as skipped with the reason and the install command.
 */
import type { TestContext } from "vitest";

export interface ExternalTool {
  /** Short name for messages. */
  readonly name: string;
  /** Resolved location (a path), or undefined when missing. */
  readonly location: string | undefined;
  /** How to get it, for the skip message. */
  readonly install: string;
}

/**
 * Returns the tool's location, or skips the running test with the reason (fails it in CI).
 * Call first thing in a test: `const bin = need(ctx, ignitionValidateTool())`.
 */
export function need(ctx: TestContext, tool: ExternalTool): string {
  if (tool.location) return tool.location;
  const reason = `${tool.name} not found: ${tool.install}`;
  if (process.env.CI) throw new Error(`${reason} (CI requires every external validator)`);
  ctx.skip(reason);
  throw new Error("unreachable");
}
