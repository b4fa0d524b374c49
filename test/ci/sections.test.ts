import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli.js";
import { MULTI_GATE, useCiProject } from "./fixture.js";

describe("rehearse through the CI reporters", () => {
  // Not a git repository: the rehearsal reports preflight problems in its sections.
  const ci = useCiProject(() => ({ "gates/multi.yaml": MULTI_GATE }));

  it("when rehearse reports sections then JUnit and the step summary carry each of them", async () => {
    const summary = await ci.project.write("summary.md", "");
    const result = await runCli(
      [
        "rehearse",
        "--reporter",
        "json=out/r.json",
        "--reporter",
        "junit=out/r.xml",
        "--reporter",
        "github",
      ],
      { cwd: ci.project.dir, env: { GITHUB_STEP_SUMMARY: summary } },
    );
    expect(result.code).not.toBe(0);
    const report = JSON.parse(await readFile(path.join(ci.project.dir, "out/r.json"), "utf8")) as {
      sections: Array<{ title: string; lines: string[] }>;
    };
    expect(report.sections.length).toBeGreaterThan(0);

    const xmlFile = path.join(ci.project.dir, "out/r.xml");
    execFileSync(
      "xmllint",
      ["--noout", "--schema", path.join(ROOT, "test/fixtures/junit.xsd"), xmlFile],
      {
        stdio: "pipe",
      },
    );
    const xml = await readFile(xmlFile, "utf8");
    const markdown = await readFile(summary, "utf8");
    for (const section of report.sections) {
      expect(xml).toContain(`\n${section.title.replace(/&/g, "&amp;").replace(/</g, "&lt;")}\n`);
      expect(markdown).toContain(
        `**${section.title.replace(/&/g, "&amp;").replace(/</g, "&lt;")}**\n\n\`\`\`text\n`,
      );
      if (section.lines[0]) expect(markdown).toContain(section.lines[0]);
    }
    // The red gates are still annotated.
    expect(result.stdout).toMatch(/^::error file=gates\/multi.yaml,line=17,col=7,/m);
  });
});
