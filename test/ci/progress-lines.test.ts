import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { afterProgress, createProgress, isLiveTerminal } from "../../src/cli/progress.js";
import type { PlannedGate } from "../../src/plan/plan.js";
import type { GateResult } from "../../src/run/result.js";

const chalk = new Chalk({ level: 0 });
const planned = (name: string) => ({ gate: { name } }) as unknown as PlannedGate;
const result = (name: string, ok: boolean) => ({ name, ok }) as unknown as GateResult;
const gateLines = (g: GateResult) => [`  ${g.ok ? "✓" : "✗"} ${g.name}`];

describe("progress lines", () => {
  it("when not live then a gate prints its result lines when it ends, and nothing when it starts", () => {
    const written: string[] = [];
    const p = createProgress({
      write: (t) => written.push(t),
      chalk,
      live: false,
      gateLines,
      command: "check",
    });
    p.start(planned("a"));
    expect(written).toEqual([]);
    p.end(result("a", false));
    p.stop();
    expect(written).toEqual(["  ✗ a\n"]);
  });

  it("when live then a running gate is a spinner line, erased and replaced by its result", () => {
    const written: string[] = [];
    const p = createProgress({
      write: (t) => written.push(t),
      chalk,
      live: true,
      gateLines,
      command: "check",
      columns: () => 40,
    });
    p.start(planned("a"));
    p.start(planned("b"));
    p.end(result("a", true));
    p.stop();
    expect(written[0]).toMatch(/^ {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] a {2}\S+\n$/);
    // Two running lines are erased; a's result goes above b's spinner.
    expect(written[2]).toMatch(/^\x1b\[2A\r\x1b\[J {2}✓ a\n {2}\S b /);
    // stop() erases what is still drawn.
    expect(written.at(-1)).toBe("\x1b[1A\r\x1b[J");
  });

  it("when a running line is wider than the terminal then it is cut to fit", () => {
    const written: string[] = [];
    const p = createProgress({
      write: (t) => written.push(t),
      chalk,
      live: true,
      gateLines,
      command: "check",
      columns: () => 30,
    });
    p.start(planned("x".repeat(100)));
    p.stop();
    expect(written[0]!.trimEnd().length).toBeLessThanOrEqual(29);
  });

  it("when the human report follows progress then only what progress did not print is left", () => {
    const full = "head\n\n  ✓ a\n  ✗ b\n    why\n\n1 green, 1 red\n";
    const a = { lines: ["  ✓ a"], shown: ["  ✓ a"] };
    const b = { lines: ["  ✗ b", "    why"], shown: ["  ✗ b", "    why"] };
    expect(afterProgress(full, [a, b], false)).toBe("\n1 green, 1 red\n");
    // Nothing streamed, or lines that are not in the report: print it whole.
    expect(afterProgress(full, [], false)).toBe(full);
    expect(afterProgress(full, [{ lines: ["  ✓ c"] }], false)).toBe(full);
  });

  it("when a gate was judged again after progress showed it then its final lines are printed", () => {
    // A rehearsal's audit turned "b", shown green while the run went, red.
    const full = "head\n\n  ✓ a\n  ✗ b\n    audit: stays green\n\n1 green, 1 red\n";
    const a = { lines: ["  ✓ a"], shown: ["  ✓ a"] };
    const b = { lines: ["  ✗ b", "    audit: stays green"], shown: ["  ✓ b"] };
    expect(afterProgress(full, [a, b], false)).toBe(
      "\n  ✗ b\n    audit: stays green\n\n1 green, 1 red\n",
    );
  });

  it("when CI is set or stdout is not a terminal then progress is not live", () => {
    expect(isLiveTerminal({ isTTY: true }, {})).toBe(true);
    expect(isLiveTerminal({ isTTY: true }, { CI: "true" })).toBe(false);
    expect(isLiveTerminal({ isTTY: true }, { CI: "1" })).toBe(false);
    expect(isLiveTerminal({ isTTY: true }, { CI: "false" })).toBe(true);
    expect(isLiveTerminal({ isTTY: false }, {})).toBe(false);
    expect(isLiveTerminal({}, {})).toBe(false);
    expect(isLiveTerminal({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });
});
