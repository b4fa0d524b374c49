import { cp, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCommand } from "../../src/cli/commands/lint.js";
import { lintProject } from "../../src/lint/lint.js";
import { ROOT } from "../helpers/cli.js";
import { makeProject, type Project } from "../helpers/project.js";

const projects: Project[] = [];
afterAll(async () => {
  for (const p of projects) await p.remove();
});

describe("this repository's RUNBOOK.md", () => {
  it("when linted with this repository's config and gates then it has no error", async () => {
    const { problems, notes } = await lintProject({ cwd: ROOT, parseCommand });
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(notes.some((n) => n.includes("skipped"))).toBe(false);
  });

  it("when its commands are checked then each one parses and names an existing environment", async () => {
    const project = await makeProject({
      "RUNBOOK.md": await readFile(path.join(ROOT, "RUNBOOK.md"), "utf8"),
    });
    projects.push(project);
    await cp(path.resolve(import.meta.dirname, "../fixtures/lint/story"), project.dir, {
      recursive: true,
      filter: (src) => !src.endsWith("RUNBOOK.md"),
    });
    const { problems } = await lintProject({ cwd: project.dir, parseCommand });
    expect(problems).toEqual([]);
  });

  it("when a runbook line calls the self-test on the frontend then lint refuses it", async () => {
    const project = await makeProject({
      "RUNBOOK.md": `${await readFile(path.join(ROOT, "RUNBOOK.md"), "utf8")}\n\`\`\`sh\ncurl -fsS https://example.dev/healthz/self-test\n\`\`\`\n`,
    });
    projects.push(project);
    await cp(path.resolve(import.meta.dirname, "../fixtures/lint/story"), project.dir, {
      recursive: true,
      filter: (src) => !src.endsWith("RUNBOOK.md"),
    });
    const { problems } = await lintProject({ cwd: project.dir, parseCommand });
    expect(problems).toMatchObject([
      {
        file: "RUNBOOK.md",
        code: "runbook-host",
        message:
          "calls https://example.dev/healthz/self-test but the gate docs-drift prongs runs on production's api host https://api.example.dev",
      },
    ]);
  });
});
