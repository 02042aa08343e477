import { defineConfig } from "vitest/config";

// Two tiers: `npm test` runs the "unit" project (everything but real VM boots, a few minutes);
// `npm run test:boot` runs the "boot" project (QEMU boots, tens of minutes). CI runs both.
const BOOT_TESTS = ["test/vm-boot.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores here: forks keep terraform and Ignition child processes apart.
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts", "examples/**/*.test.ts"], exclude: BOOT_TESTS },
      },
      {
        extends: true,
        test: { name: "boot", include: BOOT_TESTS },
      },
    ],
  },
});
