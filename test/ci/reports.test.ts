import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { MULTI_GATE, useCiProject } from "./fixture.js";

const SLOW = `name: never answers
host: api
request:
  path: /slow
  timeout: 60s
expect:
  status: 200
`;

describe("several reporters at once", () => {
  const ci = useCiProject(() => ({ "gates/multi.yaml": MULTI_GATE, "slow/slow.yaml": SLOW }));

  const reporters = [
    "--reporter",
    "human",
    "--reporter",
    "junit=out/gates.xml",
    "--reporter",
    "json=out/gates.json",
    "--reporter",
    "github=out/annotations.txt",
  ];

  it("when the run is red then every report is written, the human one to stdout", async () => {
    const result = await runCli(["check", ...reporters], { cwd: ci.project.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ prongs");
    expect(result.stdout).toMatch(/3 gates: 1 green, 2 red/);
    const json = JSON.parse(await readFile(path.join(ci.project.dir, "out/gates.json"), "utf8"));
    expect(json.ok).toBe(false);
    expect(json.gates.map((g: { name: string }) => g.name)).toEqual([
      "green one",
      "prongs",
      'html <page> & "quotes"',
    ]);
    const xml = await readFile(path.join(ci.project.dir, "out/gates.xml"), "utf8");
    expect(xml).toContain('<failure type="assertion"');
    const annotations = await readFile(path.join(ci.project.dir, "out/annotations.txt"), "utf8");
    expect(annotations).toMatch(/^::error file=gates\/multi.yaml,line=17,col=7,/m);
  });

  it("when the run hits --deadline then every report is still written and says so", async () => {
    const result = await runCli(
      ["check", "gates/multi.yaml", "slow/slow.yaml", "--deadline", "1s", ...reporters],
      { cwd: ci.project.dir },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("stopped (deadline)");
    const json = JSON.parse(await readFile(path.join(ci.project.dir, "out/gates.json"), "utf8"));
    expect(json.stopped).toBe("deadline");
    const slow = json.gates.find((g: { name: string }) => g.name === "never answers");
    expect(slow.ok).toBe(false);
    expect(slow.failures.map((f: { kind: string }) => f.kind)).toContain("deadline");
    const xml = await readFile(path.join(ci.project.dir, "out/gates.xml"), "utf8");
    expect(xml).toMatch(/<testcase name="never answers"[^>]*>\s*<failure type="deadline"/);
    const annotations = await readFile(path.join(ci.project.dir, "out/annotations.txt"), "utf8");
    expect(annotations).toMatch(/^::error file=slow\/slow.yaml,line=\d+[^\n]*deadline/m);
  });

  it("when a reporter is unknown then nothing runs and the exit code is 2", async () => {
    const before = ci.server.requests.length;
    const result = await runCli(["check", "--reporter", "xml"], { cwd: ci.project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown reporter "xml"');
    expect(ci.server.requests.length).toBe(before);
  });
});
