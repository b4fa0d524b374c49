import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Project } from "../helpers/project.js";
import { cliRefusalProblem, fuzzProject, refusalProblem } from "../properties/input-check.js";
import { configCases, type FuzzCase, gateCases } from "../properties/input-fuzz.js";
import { configFileIsValid, gateFileIsValid } from "../properties/input-oracle.js";
import { proofRuns } from "./runs.js";

const RUNS = proofRuns(800);
/** One case in this many also goes through the built CLI. */
const CLI_EVERY = Number(process.env.PROOF_CLI_EVERY ?? "60");

let project: Project;
beforeAll(async () => {
  project = await fuzzProject();
});
afterAll(async () => {
  await project?.remove();
});

function fuzz(
  which: "gate" | "config",
  cases: fc.Arbitrary<FuzzCase>,
  valid: (b: Buffer) => boolean,
) {
  return async () => {
    const seen = { invalid: 0, skipped: 0, cli: 0 };
    const kinds = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        // A truncation or an edit can leave a valid file: only invalid ones are judged.
        if (valid(c.bytes)) {
          seen.skipped++;
          return;
        }
        seen.invalid++;
        const kind =
          /^(wrong type|unknown key|huge number|deep|truncated|bytes|random YAML|line|block nesting)/.exec(
            c.label,
          )?.[1] ?? "other";
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        const wrong = await refusalProblem(project, which, c.bytes);
        if (wrong)
          throw new Error(`${c.label}: ${wrong}\n${JSON.stringify(c.bytes.toString("latin1"))}`);
        if (seen.invalid % CLI_EVERY === 1) {
          seen.cli++;
          const cliWrong = await cliRefusalProblem(project, which, c.bytes);
          if (cliWrong) throw new Error(`${c.label} (CLI): ${cliWrong}`);
        }
      }),
      { numRuns: RUNS, seed: process.env.PROOF_SEED ? Number(process.env.PROOF_SEED) : undefined },
    );
    console.log(
      `${which} fuzz: ${seen.invalid} invalid cases refused (${seen.cli} through the CLI), ${seen.skipped} valid ones skipped; ${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}`,
    );
    expect(seen.invalid).toBeGreaterThan(RUNS / 2);
  };
}

describe("when gate files and configs are fuzzed, then each invalid one exits 2 naming the file", () => {
  it(
    `then broken gate files are refused (${RUNS} cases)`,
    fuzz("gate", gateCases, gateFileIsValid),
  );
  it(
    `then broken configs are refused (${RUNS} cases)`,
    fuzz("config", configCases, configFileIsValid),
  );
});
