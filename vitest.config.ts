import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests run the sandbox from its sources; the built package (sandbox/dist) is for the CLI and bench.
    alias: { "@telesync/sandbox": fileURLToPath(new URL("./sandbox/src/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Fails a test file that leaves a worker, timer, server or connection open.
    setupFiles: ["test/support/leak-guard.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"],
  },
});
