import { defineConfig } from "vitest/config";

// Two tiers: `npm test` runs the "unit" project (everything but real VM boots, a few minutes);
// `npm run test:boot` runs the "boot" project (QEMU boots, tens of minutes). CI runs both.
const BOOT_TESTS = ["test/vm-boot.test.ts"];

export default defineConfig({
  // The examples import the package by name, as a user's project does; here that is the source
  // (tsconfig.json "paths" says the same to tsc and tsx). Paths from the project root.
  resolve: {
    alias: [
      { find: /^cdktf-microos\/testing$/, replacement: "/lib/testing/index.ts" },
      { find: /^cdktf-microos$/, replacement: "/lib/index.ts" },
    ],
  },
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores here: forks keep terraform and Ignition child processes apart.
    pool: "forks",
    projects: [
      {
        extends: true,
        // isolate: false lets a worker reuse its module cache across files (cdktf, the providers'
        // deep imports, the library): about a fifth less wall time; every file still passes alone.
        test: { name: "unit", include: ["test/**/*.test.ts", "examples/**/*.test.ts"], exclude: BOOT_TESTS, isolate: false },
      },
      {
        extends: true,
        test: { name: "boot", include: BOOT_TESTS },
      },
    ],
  },
});
