import { describe, expect, it } from "vitest";
import { parseDeadline } from "../../src/cli/options.js";
import { UserError } from "../../src/errors.js";

// Found with the huge numbers of the input fuzz tests: `--deadline 99999999s`
// overflowed the timer, which fired at once and stopped the run as "deadline".
describe("when --deadline is longer than a timer can hold", () => {
  it("then it is a flag error (exit 2), not a run stopped before it began", () => {
    expect(() => parseDeadline("99999999s")).toThrow(UserError);
    expect(() => parseDeadline("2147484s")).toThrow(UserError);
    expect(parseDeadline("2147483s")).toBe(2_147_483_000);
    expect(parseDeadline("5m")).toBe(300_000);
  });
});
