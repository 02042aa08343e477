/**
 * The API report: what a user of cdktf-microos can import, one file per entry point, made by
 * @microsoft/api-extractor from the built declarations (dist/lib). Reviewers read api/*.api.md
 * instead of the barrels; a change to the public surface shows up as a diff there.
 *
 *   npm run api         rebuild and rewrite api/cdktf-microos.api.md and api/cdktf-microos-testing.api.md
 *   npm run api:check   rebuild and fail when a committed report differs from the code (CI)
 *
 * Options: api-extractor.com/pages/configs/api-extractor_json/ (the config object below is that file).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from "@microsoft/api-extractor";

const ROOT = resolve(__dirname, "..");
const REPORT_DIR = join(ROOT, "api");

/** The package's entry points (package.json "exports") and the report each one gets. */
export const ENTRY_POINTS: readonly { readonly subpath: string; readonly dts: string; readonly report: string }[] = [
  { subpath: ".", dts: "dist/lib/index.d.ts", report: "cdktf-microos.api.md" },
  { subpath: "./testing", dts: "dist/lib/testing/index.d.ts", report: "cdktf-microos-testing.api.md" },
];

function configFor(entry: (typeof ENTRY_POINTS)[number], tempDir: string): IConfigFile {
  return {
    projectFolder: ROOT,
    mainEntryPointFilePath: join(ROOT, entry.dts),
    compiler: {
      // The declarations only; Node's types because the lib's runtime code runs on Node.
      overrideTsconfig: {
        compilerOptions: {
          target: "ES2022",
          module: "commonjs",
          moduleResolution: "node",
          lib: ["ES2022"],
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          types: ["node"],
        },
        files: [join(ROOT, entry.dts)],
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: entry.report,
      reportFolder: REPORT_DIR,
      reportTempFolder: tempDir,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    // Every finding goes into the report (so a reviewer sees e.g. a type used in public but not
    // exported, ae-forgotten-export) and nothing to the console: scripts/api-lint.ts is the lint.
    messages: {
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      extractorMessageReporting: {
        default: { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
        // We mark nothing @public/@beta: everything exported is public.
        "ae-missing-release-tag": { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
      },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None, addToApiReportFile: false } },
    },
  };
}

function main(): void {
  const check = process.argv.includes("--check");
  for (const entry of ENTRY_POINTS) {
    if (!existsSync(join(ROOT, entry.dts))) {
      throw new Error(`api-report: ${entry.dts} is missing; run "npm run build" first (npm run api does)`);
    }
  }
  mkdirSync(REPORT_DIR, { recursive: true });
  const tempDir = mkdtempSync(join(tmpdir(), "api-report-"));
  const stale: string[] = [];
  try {
    for (const entry of ENTRY_POINTS) {
      const config = ExtractorConfig.prepare({
        configObject: configFor(entry, tempDir),
        configObjectFullPath: join(ROOT, "api-extractor.json"),
        packageJsonFullPath: join(ROOT, "package.json"),
      });
      const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false });
      if (!result.succeeded && !(check && result.apiReportChanged)) {
        throw new Error(`api-report: api-extractor failed for ${entry.subpath} (${result.errorCount} errors)`);
      }
      if (check && result.apiReportChanged) stale.push(`api/${entry.report}`);
      else if (!check) console.log(`api-report: api/${entry.report} (${countExports(join(REPORT_DIR, entry.report))})`);
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
  if (stale.length > 0) {
    console.error(`api-report: ${stale.join(", ")} no longer match the code; run "npm run api" and commit the result`);
    process.exit(1);
  }
  if (check) console.log("api-report: the committed API reports match the code");
}

/** Runtime values and types an entry point exports, read from its report's export lines. */
export function countExports(reportPath: string): string {
  const text = readFileSync(reportPath, "utf8");
  const values = text.match(/^export (?:abstract )?(?:class|const|enum|function|let|var) /gm)?.length ?? 0;
  const types = text.match(/^export (?:interface|type) /gm)?.length ?? 0;
  return `${values} runtime values, ${types} types`;
}

if (require.main === module) main();
