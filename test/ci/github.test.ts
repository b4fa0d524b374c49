import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { command, escapeData, escapeProperty } from "../../src/report/github.js";
import { runCli } from "../helpers/cli.js";
import { MULTI_GATE, PRONGS_EVERY, useCiProject } from "./fixture.js";

/** The workflow commands in stdout, as { name, props, message } with escapes undone. */
function workflowCommands(stdout: string) {
  const decode = (s: string) =>
    s
      .replace(/%0A/g, "\n")
      .replace(/%0D/g, "\r")
      .replace(/%3A/g, ":")
      .replace(/%2C/g, ",")
      .replace(/%25/g, "%");
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("::"))
    .map((l) => {
      const m = /^::(\w+) ([^:]*)::(.*)$/.exec(l);
      if (!m) throw new Error(`not a workflow command: ${l}`);
      const props = Object.fromEntries(
        m[2]!.split(",").map((kv) => {
          const [k, v] = kv.split("=", 2) as [string, string];
          return [k, decode(v)];
        }),
      );
      return { name: m[1]!, props, message: decode(m[3]!) };
    });
}

describe("the github reporter", () => {
  const ci = useCiProject(() => ({ "gates/multi.yaml": MULTI_GATE }));

  it("when an assertion fails in a multi-gate file then the annotation names that file, line and column", async () => {
    const result = await runCli(["check", "--reporter", "github"], {
      cwd: ci.project.dir,
      env: { GITHUB_STEP_SUMMARY: undefined, GITHUB_WORKSPACE: undefined },
    });
    expect(result.code).toBe(1);
    const commands = workflowCommands(result.stdout);
    const prongs = commands.find((c) => c.props.title?.includes("prongs"));
    expect(prongs).toMatchObject({
      name: "error",
      props: {
        file: "gates/multi.yaml",
        line: String(PRONGS_EVERY.line),
        col: String(PRONGS_EVERY.column),
      },
    });
    expect(prongs?.message).toContain("storage-23");
    expect(prongs?.props.title).toContain("assertion");

    // The third gate, whose name holds markup, is red on its status line (line 25).
    const html = commands.find((c) => c.props.title?.includes("html <page>"));
    expect(html).toMatchObject({ name: "error", props: { file: "gates/multi.yaml", line: "25" } });
    expect(html?.message).toMatch(/Internal Server Error/);
    // No annotation for the green gate.
    expect(commands.some((c) => c.props.title?.includes("green one"))).toBe(false);
    expect(commands).toHaveLength(2);
  });

  it("when GITHUB_WORKSPACE is above the working directory then annotation paths start at the workspace", async () => {
    const result = await runCli(["check", "--reporter", "github"], {
      cwd: ci.project.dir,
      env: { GITHUB_STEP_SUMMARY: undefined, GITHUB_WORKSPACE: path.dirname(ci.project.dir) },
    });
    expect(result.code).toBe(1);
    const prongs = workflowCommands(result.stdout).find((c) => c.props.title?.includes("prongs"));
    expect(prongs?.props.file).toBe(`${path.basename(ci.project.dir)}/gates/multi.yaml`);
  });

  it("when --config points into another folder then annotations name the gate file from the working directory", async () => {
    const parent = path.dirname(ci.project.dir);
    const folder = path.basename(ci.project.dir);
    const result = await runCli(
      ["check", "--reporter", "github", "--config", `${folder}/shipgate.yaml`],
      { cwd: parent, env: { GITHUB_STEP_SUMMARY: undefined, GITHUB_WORKSPACE: undefined } },
    );
    expect(result.code).toBe(1);
    const files = workflowCommands(result.stdout).map((c) => c.props.file);
    expect(files).toHaveLength(2);
    expect(new Set(files)).toEqual(new Set([`${folder}/gates/multi.yaml`]));
  });

  it("when GITHUB_STEP_SUMMARY is set then a Markdown table is appended to that file", async () => {
    const summary = await ci.project.write("summary.md", "# earlier step\n\n");
    const result = await runCli(["check", "--reporter", "github"], {
      cwd: ci.project.dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code).toBe(1);
    const text = await readFile(summary, "utf8");
    expect(text.startsWith("# earlier step\n\n")).toBe(true);
    expect(text).toContain("| | gate | file | time | result |");
    expect(text).toMatch(/\| ✅ \| green one \| gates\/multi.yaml:1 \|/);
    expect(text).toMatch(/\| ❌ \| prongs \| gates\/multi.yaml:8 \|[^\n]*assertion/);
    // Markup in a gate name cannot break the table or inject HTML.
    expect(text).toContain('html &lt;page&gt; &amp; "quotes"');
    // The table is not printed to stdout.
    expect(result.stdout).not.toContain("| gate |");
  });

  it("when GITHUB_STEP_SUMMARY is not set then no summary file is written", async () => {
    const before = await readdir(ci.project.dir, { recursive: true });
    const result = await runCli(["check", "--reporter", "github"], {
      cwd: ci.project.dir,
      env: { GITHUB_STEP_SUMMARY: undefined },
    });
    expect(result.code).toBe(1);
    expect(await readdir(ci.project.dir, { recursive: true })).toEqual(before);
    expect(result.stdout).not.toContain("| gate |");
    expect(result.stdout).toMatch(/^::error /m);
  });

  it("when text holds %, CR, LF, : or , then they are escaped as the runner expects", () => {
    expect(escapeData("50% done\r\nnext: a,b")).toBe("50%25 done%0D%0Anext: a,b");
    expect(escapeProperty("gates/a: b,c%")).toBe("gates/a%3A b%2Cc%25");
    expect(command("error", "x\ny", { file: "a,b.yaml", line: 3, col: undefined })).toBe(
      "::error file=a%2Cb.yaml,line=3::x%0Ay",
    );
  });
});
