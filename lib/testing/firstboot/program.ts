import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * A program the first-boot simulator needs, in the shape of the test kit's `ExternalTool`
 * (test/helpers/external.ts), so a test can pass it to `need(ctx, tool)`.
 */
import type { ExternalTool } from "../external";

// Debian's `ignition` package ships the real Ignition program as its dracut module's binary
// (`dpkg -L ignition` lists .../dracut/modules.d/30ignition/ignition).
const DEBIAN_PROGRAM = "/usr/lib/dracut/modules.d/30ignition/ignition";

let located: string | undefined | null = null;

/** Where the Ignition program is: `IGNITION_PROGRAM`, else what dpkg lists, else Debian's path. */
export function locateIgnitionProgram(): string | undefined {
  if (located !== null) return located;
  located = undefined;
  const fromEnv = process.env.IGNITION_PROGRAM;
  if (fromEnv && existsSync(fromEnv)) {
    located = fromEnv;
    return located;
  }
  try {
    const listed = execFileSync("dpkg", ["-L", "ignition"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")
      .find((l) => l.endsWith("/30ignition/ignition"));
    if (listed && existsSync(listed)) located = listed;
  } catch {
    // no dpkg, or the package is not installed
  }
  if (!located && existsSync(DEBIAN_PROGRAM)) located = DEBIAN_PROGRAM;
  return located;
}

/** The real Ignition program, described for `need(ctx, tool)`. */
export function ignitionProgramTool(): ExternalTool {
  return { name: "Ignition program", location: locateIgnitionProgram(), install: "apt-get install -y ignition" };
}

/** True when this process runs as root (uid 0). */
export function runningAsRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Why a first boot cannot be simulated here without root. */
export const ROOT_REASON =
  "the first-boot simulation must run as root: Ignition changes file owners and writes ssh keys as the user";

/**
 * Root privileges, described as a tool for `need(ctx, tool)`: present when the process runs as
 * root, missing otherwise (with what to do).
 */
export function rootPrivilegeTool(): ExternalTool {
  return {
    name: "root privileges",
    location: runningAsRoot() ? "uid 0" : undefined,
    install: `${ROOT_REASON}; run the tests as root (for example in a container)`,
  };
}

/** What one run of an Ignition stage printed and how it ended. */
export interface StageRun {
  readonly stage: string;
  readonly exitCode: number | null;
  readonly output: string;
}

/** Runs one Ignition stage, capturing stdout and stderr together. @internal */
export function runStage(program: string, args: readonly string[], env: NodeJS.ProcessEnv, stage: string): Promise<StageRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args, "-stage", stage], { env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ stage, exitCode: code, output: Buffer.concat(chunks).toString("utf8") }));
  });
}

/** Ignition's own error lines (`CRITICAL` and `ERROR`), in order. */
export function errorLines(output: string): string[] {
  return output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^(CRITICAL|ERROR)\b/.test(l));
}
