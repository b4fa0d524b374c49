import { spawn } from "node:child_process";
import { mkdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers/cli.js";
import type { Project } from "../helpers/project.js";
import { MULTI_GATE, useCiProject } from "./fixture.js";

interface ActionFile {
  inputs: Record<string, { default?: string }>;
  runs: {
    using: string;
    steps: Array<{ shell: string; run: string; env: Record<string, string> }>;
  };
}

/**
 * Runs the composite action's step the way the runner does: inputs put into the
 * step's env expressions, `bash --noprofile --norc -eo pipefail`, a GITHUB_OUTPUT file.
 */
async function runAction(
  project: Project,
  inputs: Record<string, string>,
): Promise<{ code: number | null; stdout: string; outputs: string }> {
  const action = parse(await readFile(path.join(ROOT, "action.yml"), "utf8")) as ActionFile;
  const step = action.runs.steps[0]!;
  const value = (name: string) => inputs[name] ?? action.inputs[name]?.default ?? "";
  const env: Record<string, string> = {};
  for (const [key, expr] of Object.entries(step.env)) {
    env[key] = expr.replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_, name: string) => value(name));
  }
  const script = await project.write(".action/step.sh", step.run);
  const outputs = await project.write(".action/output", "");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: project.dir,
      env: { ...process.env, CI: "true", NO_COLOR: "1", GITHUB_OUTPUT: outputs, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.on("error", reject);
    child.on("close", async (code) => {
      resolve({ code, stdout, outputs: await readFile(outputs, "utf8") });
    });
  });
}

describe("action.yml", () => {
  const ci = useCiProject(
    () => ({
      "gates/multi.yaml": MULTI_GATE,
      // Gate names are unique across files.
      "gates/green.yaml": MULTI_GATE.split("---\n")[0]!.replace("green one", "green two"),
    }),
    async ({ project }) => {
      // The project installs shipgate, so the action runs that copy, not npx.
      await mkdir(path.join(project.dir, "node_modules/.bin"), { recursive: true });
      await symlink(ROOT, path.join(project.dir, "node_modules/shipgate"));
      await symlink(
        "../shipgate/bin/shipgate.js",
        path.join(project.dir, "node_modules/.bin/shipgate"),
      );
    },
  );

  it("is a composite action with the inputs the README documents", async () => {
    const action = parse(await readFile(path.join(ROOT, "action.yml"), "utf8")) as ActionFile;
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(["command", "env", "gates", "reporters", "version"]),
    );
  });

  it("when a gate is red then the step fails with exit code 1, annotations and the exit-code output", async () => {
    const result = await runAction(ci.project, { env: "local" });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error file=gates\/multi.yaml,line=17,col=7,/m);
    expect(result.stdout).toContain("✗ prongs");
    expect(result.outputs).toBe("exit-code=1\n");
  });

  it("when only green gates are named then the step passes", async () => {
    const result = await runAction(ci.project, { gates: "gates/green.yaml", reporters: "human" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("✓ green two");
    expect(result.outputs).toBe("exit-code=0\n");
  });

  it("when an input holds shell syntax then it is passed as data, not run", async () => {
    const result = await runAction(ci.project, { env: "local; echo INJECTED", reporters: "human" });
    expect(result.stdout).not.toMatch(/^INJECTED$/m);
    expect(result.code).toBe(2);
    expect(result.outputs).toBe("exit-code=2\n");
  });

  it("when the command is not check or rehearse then the step refuses with exit 2", async () => {
    const result = await runAction(ci.project, { command: "release" });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      /^::error title=shipgate action::command must be check or rehearse/m,
    );
  });
});
