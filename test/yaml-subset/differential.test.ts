import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareWithYaml } from "./compare.js";
import { yamlText } from "./generate.js";

describe("when random YAML is read by the subset parser and by the yaml package", () => {
  // The yaml package warns on the console about collection keys; thousands of times here.
  const emitWarning = process.emitWarning;
  beforeAll(() => {
    process.emitWarning = () => {};
  });
  afterAll(() => {
    process.emitWarning = emitWarning;
  });

  it("then whatever the subset accepts reads exactly the same, and nothing yaml objects to is accepted", () => {
    let accepted = 0;
    let total = 0;
    fc.assert(
      fc.property(yamlText, (text) => {
        total++;
        if (compareWithYaml(text)) accepted++;
      }),
      { numRuns: Number(process.env.SUBSET_RUNS ?? 2000) },
    );
    // The generator must exercise the fast path, not only the fallback.
    expect(accepted).toBeGreaterThan(total / 10);
    expect(accepted).toBeLessThan(total);
  }, 120_000);
});
