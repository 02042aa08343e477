/**
 * Does the library's validator (the JSON schema plus lib/ignition/validate.ts) give the same verdict
 * as Debian's ignition-validate on every 3.3.0 and 3.4.0 config the tests hand to it? Runs the
 * given test files (default: every test file that calls ignition-validate) with
 * IGNITION_AGREEMENT_LOG set, so lib/ignition/validators.ts logs both verdicts per config, and prints
 * the counts and each config on which they differ.
 *
 *   node --import tsx scripts/ignition-agreement.ts [test files...]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..");
const files =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : readdirSync(join(root, "test"))
        .filter((f) => f.endsWith(".test.ts") && f !== "vm-boot.test.ts")
        .filter((f) => /runIgnitionValidate|checkIgnition|checkClusterConfigs|toPassValidators|allProblems/.test(readFileSync(join(root, "test", f), "utf8")))
        .map((f) => `test/${f}`);
const dir = mkdtempSync(join(tmpdir(), "ignition-agreement-"));
const log = join(dir, "log.jsonl");
const run = spawnSync("npx", ["vitest", "run", ...files], { cwd: root, env: { ...process.env, IGNITION_AGREEMENT_LOG: log }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
interface Entry {
  digest: string;
  version: string;
  debian: boolean;
  ours: boolean;
  problems: string[];
  debianOutput?: string;
}
let entries: Entry[] = [];
try {
  entries = readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Entry);
} catch {
  // no config logged
}
rmSync(dir, { recursive: true, force: true });
const distinct = new Map(entries.map((e) => [e.digest, e]));
const all = [...distinct.values()];
const differ = all.filter((e) => e.debian !== e.ours);
console.log(`test files: ${files.length} (vitest exit ${run.status})`);
console.log(`3.3.0/3.4.0 configs checked by ignition-validate: ${entries.length} (${all.length} distinct)`);
console.log(`  both accept: ${all.filter((e) => e.debian && e.ours).length}; both refuse: ${all.filter((e) => !e.debian && !e.ours).length}`);
console.log(`  only the library refuses: ${differ.filter((e) => e.debian).length}; only ignition-validate refuses: ${differ.filter((e) => !e.debian).length}`);
for (const e of differ) {
  console.log(`- ${e.digest} ${e.version}: ${e.debian ? `library: ${e.problems.join(" | ")}` : `ignition-validate: ${e.debianOutput}`}`);
}
