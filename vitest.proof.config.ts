import { defineConfig } from "vitest/config";

/** `npm run test:proof`: the long-running property, fuzz, soak and signal tests. */
export default defineConfig({
  test: {
    include: ["test/proof/**/*.test.ts"],
    testTimeout: 20 * 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One file at a time: the soak measures memory and the signal tests time children.
    maxWorkers: 1,
    fileParallelism: false,
    // The soak reads RSS after a full collection.
    execArgv: ["--expose-gc"],
  },
});
