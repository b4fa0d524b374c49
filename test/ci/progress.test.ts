import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli } from "../helpers/cli.js";
import { GIT_ENV, makeRepo } from "../helpers/git.js";
import { configYaml } from "../helpers/project.js";
import { ciServer, ESCAPE, has, MULTI_GATE, useCiProject } from "./fixture.js";

const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const CURSOR_UP = /\x1b\[\d+A/;

/** Runs the CLI under a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function runInTerminal(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`);
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", quoted.join(" "), "/dev/null"], {
      cwd: opts.cwd,
      env: { ...process.env, TERM: "xterm-256color", COLUMNS: "120", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replace(/\r\n/g, "\n") });
    });
  });
}

/** Text without escape sequences, for reading what a person finally sees line by line. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe("progress while gates run", () => {
  beforeAll(() => {
    if (!has("script")) throw new Error("script is missing: apt-get install -y util-linux");
  });
  const ci = useCiProject(() => ({ "gates/multi.yaml": MULTI_GATE }));

  const noCi = { CI: undefined, NO_COLOR: undefined, GITHUB_ACTIONS: undefined };

  it("when stdout is a terminal outside CI then running gates show a spinner, replaced by their result lines", async () => {
    const { code, output } = await runInTerminal(["check"], { cwd: ci.project.dir, env: noCi });
    expect(code).toBe(1);
    expect(output).toMatch(SPINNER);
    expect(output).toMatch(CURSOR_UP);
    const seen = plain(output);
    expect(seen).toMatch(new RegExp(`${SPINNER.source} prongs`));
    // Each gate's result line and the header appear once: progress and report do not repeat.
    expect(count(seen, "✓ green one")).toBe(1);
    expect(count(seen, "✗ prongs")).toBe(1);
    expect(count(seen, "shipgate check · local")).toBe(1);
    expect(seen).toMatch(/3 gates: 1 green, 2 red · check failed/);
  });

  it("when stdout is a terminal and CI is set then there are plain lines only", async () => {
    const { code, output } = await runInTerminal(["check"], {
      cwd: ci.project.dir,
      env: { ...noCi, CI: "true" },
    });
    expect(code).toBe(1);
    expect(output).not.toMatch(ESCAPE);
    expect(output).not.toMatch(SPINNER);
    expect(count(output, "✗ prongs")).toBe(1);
    expect(output).toMatch(/3 gates: 1 green, 2 red/);
  });

  it("when stdout is piped outside CI then there are no escape codes and no spinner", async () => {
    const result = await runCli(["check"], { cwd: ci.project.dir, env: noCi });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(ESCAPE);
    expect(result.stdout).not.toMatch(SPINNER);
    expect(count(result.stdout, "✓ green one")).toBe(1);
    expect(count(result.stdout, "shipgate check · local")).toBe(1);
  });

  it("when NO_COLOR is set in CI and piped then the output is free of escape codes", async () => {
    const result = await runCli(["check"], {
      cwd: ci.project.dir,
      env: { NO_COLOR: "1", CI: "true" },
    });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toMatch(ESCAPE);
    expect(count(result.stdout, "✗ prongs")).toBe(1);
  });

  it("when --quiet is given then only failures and the closing line are printed", async () => {
    const piped = await runCli(["check", "--quiet"], { cwd: ci.project.dir });
    expect(piped.code).toBe(1);
    expect(piped.stdout).not.toContain("green one");
    expect(piped.stdout).not.toContain("shipgate check · local");
    expect(count(piped.stdout, "✗ prongs")).toBe(1);
    expect(piped.stdout).toMatch(/3 gates: 1 green, 2 red/);

    const { output } = await runInTerminal(["check", "--quiet"], {
      cwd: ci.project.dir,
      env: noCi,
    });
    expect(output).not.toMatch(SPINNER);
    const seen = plain(output);
    expect(seen).not.toContain("✓ green one");
    expect(count(seen, "✗ prongs")).toBe(1);
  });
});

/** `rehearse --env local` under a pseudo-terminal, in a repository of these gate files. */
async function rehearseInTerminal(gates: Record<string, string>) {
  const server = await ciServer();
  const repo = await makeRepo({
    "shipgate.yaml": configYaml({ local: { api: server.url } }),
    ...gates,
  });
  try {
    return await runInTerminal(["rehearse", "--env", "local"], {
      cwd: repo.dir,
      env: { ...GIT_ENV, CI: undefined, NO_COLOR: undefined, GITHUB_ACTIONS: undefined },
    });
  } finally {
    await server.close();
    await repo.remove();
  }
}

describe("progress while a rehearsal runs", () => {
  it("when stdout is a terminal outside CI then rehearse shows the spinner too, and each gate once", async () => {
    const { code, output } = await rehearseInTerminal({ "gates/multi.yaml": MULTI_GATE });
    expect(code).toBe(1);
    expect(output).toMatch(SPINNER);
    const seen = plain(output);
    expect(count(seen, "shipgate rehearse · local")).toBe(1);
    expect(count(seen, "✓ green one")).toBe(1);
    expect(seen).toContain("irreversible steps (not run)");
  });

  it("when the audit turns a gate red after progress showed it green then the report shows it again, red, with why", async () => {
    const weak = `name: weak one
host: api
request:
  path: /ok
expect:
  body:
    - path: $.status
      exists: true
`;
    const { code, output } = await rehearseInTerminal({ "gates/weak.yaml": weak });
    expect(code).toBe(1);
    const seen = plain(output);
    // Green while the run went, then red once the audit found it cannot fail.
    expect(count(seen, "✓ weak one")).toBe(1);
    expect(count(seen, "✗ weak one")).toBe(1);
    expect(seen.indexOf("✓ weak one")).toBeLessThan(seen.indexOf("✗ weak one"));
    expect(seen).toMatch(/✗ weak one[^\n]*\n\s+audit: this gate stays green/);
    expect(seen).toMatch(/1 gate: 0 green, 1 red · rehearsal red/);
  });
});
