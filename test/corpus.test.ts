import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Project } from "./helpers/project.js";
import { cliRefusalProblem, fuzzProject, refusalProblem } from "./properties/input-check.js";
import { configFileIsValid, gateFileIsValid } from "./properties/input-oracle.js";

// Interesting cases kept from the fuzz tests (test/proof/fuzz-input.proof.test.ts).
const CORPUS = path.join(import.meta.dirname, "fixtures/corpus");
const files = (dir: string) =>
  readdirSync(path.join(CORPUS, dir))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => [f, readFileSync(path.join(CORPUS, dir, f))] as const);

let project: Project;
beforeAll(async () => {
  project = await fuzzProject();
});
afterAll(async () => {
  await project?.remove();
});

describe("when a gate file from the corpus is loaded", () => {
  it.each(files("gates"))("then %s is refused naming the file", async (_name, bytes) => {
    expect(gateFileIsValid(bytes)).toBe(false);
    expect(await refusalProblem(project, "gate", bytes)).toBeUndefined();
  });
});

describe("when a config from the corpus is loaded", () => {
  it.each(files("configs"))("then %s is refused naming the file", async (_name, bytes) => {
    expect(configFileIsValid(bytes)).toBe(false);
    expect(await refusalProblem(project, "config", bytes)).toBeUndefined();
  });
});

describe("when corpus cases go through the built CLI", () => {
  it.each([
    ["gate", "gates/deep-flow-3000.yaml"],
    ["gate", "gates/utf8-surrogate.yaml"],
    ["config", "configs/truncated-mid-url.yaml"],
  ] as const)(
    "then the %s %s exits 2 naming the file, without a stack trace",
    async (which, file) => {
      const bytes = readFileSync(path.join(CORPUS, file));
      expect(await cliRefusalProblem(project, which, bytes)).toBeUndefined();
    },
  );
});
