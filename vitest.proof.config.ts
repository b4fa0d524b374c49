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
    // The soak reads RSS after a full collection: gc() must exist, and the
    // pages a collection frees must be returned before it ends, not later
    // from a background thread (see rss() in soak.proof.test.ts).
    execArgv: ["--expose-gc", "--single-threaded-gc"],
  },
});
