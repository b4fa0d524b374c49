import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCommand } from "../../src/cli/commands/lint.js";
import { formatProblem, type Problem } from "../../src/errors.js";
import { lintProject } from "../../src/lint/lint.js";
import { configYaml, makeProject, type Project } from "../helpers/project.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/lint");
const projects: Project[] = [];

afterAll(async () => {
  for (const p of projects) await p.remove();
});

/** A production and staging project with one gate, `health`, and a RUNBOOK.md of these lines. */
async function runbookProject(runbook: string[]): Promise<Project> {
  const project = await makeProject({
    "shipgate.yaml": configYaml({
      production: { api: "https://api.example.dev" },
      staging: { api: "https://api.staging.example.dev" },
    }),
    "gates/health.yaml":
      "name: health\nhost: api\nrequest: { path: /healthz }\nexpect: { status: 200 }\n",
    "RUNBOOK.md": runbook.join("\n"),
  });
  projects.push(project);
  return project;
}

function find(problems: Problem[], code: string): Problem[] {
  return problems.filter((p) => p.code === code);
}

describe("lint rules on fixture files", () => {
  it("when gates break each rule then each is found with file, line and column", async () => {
    const { problems } = await lintProject({ cwd: path.join(FIXTURES, "rules") });

    expect(find(problems, "cannot-fail")).toMatchObject([
      { file: "gates/rules.yaml", line: 6, column: 1, severity: "error" },
    ]);
    expect(find(problems, "cannot-fail")[0]!.message).toContain('"accepts anything"');

    expect(find(problems, "index-drift")).toMatchObject([
      { file: "gates/rules.yaml", line: 17, column: 13, severity: "warning" },
    ]);

    const hosts = find(problems, "host-missing");
    expect(hosts).toMatchObject([{ file: "gates/rules.yaml", line: 21, severity: "error" }]);
    expect(hosts[0]!.message).toContain('"needs api everywhere"');
    expect(hosts[0]!.message).toContain("environment preview");

    expect(find(problems, "protected-hosts")).toMatchObject([
      { file: "shipgate.yaml", line: 4, column: 5, severity: "error" },
    ]);

    // Only the literal token; "Bearer {{env.API_TOKEN}}" and a templated X-Trace are fine.
    expect(find(problems, "literal-credential")).toMatchObject([
      { file: "gates/rules.yaml", line: 33, column: 20, severity: "error" },
    ]);
    expect(problems.filter((p) => p.file === "gates/rules.yaml" && p.line! > 36)).toEqual([]);
  });

  it("when a gate is written well for every environment then lint finds nothing in it", async () => {
    const { problems, notes } = await lintProject({
      cwd: path.join(FIXTURES, "story"),
      runbook: "no-such-runbook.md",
    });
    expect(problems).toEqual([]);
    expect(notes).toEqual(["runbook checks skipped: there is no no-such-runbook.md"]);
  });

  it("when one gate file is invalid then the others are still linted and all problems come at once", async () => {
    const project = await makeProject({
      "shipgate.yaml": configYaml({ production: { api: "https://api.example.dev" } }),
      "gates/a-broken.yaml":
        "name: broken\nhost: api\nrequest: { path: /x }\nexpect: { statuss: 200 }\n",
      "gates/b-drift.yaml":
        "name: drift\nhost: api\nrequest: { path: /y }\nexpect:\n  status: 200\n  body:\n    - path: $.items[0:3]\n      every: { ok: true }\n",
    });
    projects.push(project);
    const { problems, brokenFiles } = await lintProject({ cwd: project.dir });
    expect(brokenFiles).toEqual(["gates/a-broken.yaml"]);
    expect(problems.some((p) => p.file === "gates/a-broken.yaml" && p.line === 4)).toBe(true);
    expect(find(problems, "index-drift")).toMatchObject([{ file: "gates/b-drift.yaml", line: 7 }]);
  });
  it("when a protected environment shares one host with another then it is a warning, not an error", async () => {
    const project = await makeProject({
      "shipgate.yaml": [
        "environments:",
        "  production:",
        "    protected: true",
        "    hosts:",
        "      api: https://api.example.dev",
        "      auth: https://auth.example.dev",
        "  staging:",
        "    hosts:",
        "      api: https://api.staging.example.dev",
        "      auth: https://auth.example.dev",
        "",
      ].join("\n"),
      "gates/health.yaml":
        "name: health\nhost: api\nrequest: { path: /healthz }\nexpect: { status: 200 }\n",
    });
    projects.push(project);
    const { problems } = await lintProject({ cwd: project.dir });
    expect(problems).toMatchObject([
      { file: "shipgate.yaml", line: 6, column: 13, severity: "warning", code: "protected-hosts" },
    ]);
  });
});

describe("RUNBOOK.md drift", () => {
  it("when the runbook calls a gate's path on the frontend host then the error names the api host", async () => {
    const { problems } = await lintProject({
      cwd: path.join(FIXTURES, "story"),
      parseCommand,
    });
    const host = find(problems, "runbook-host");
    expect(host).toHaveLength(1);
    expect(formatProblem(host[0]!)).toBe(
      "RUNBOOK.md:12 calls https://example.dev/healthz/self-test but the gate docs-drift prongs runs on production's api host https://api.example.dev (column 11)",
    );
    // The same path on the api host (line 6), or on staging's api host (line 29), is right.
    expect(problems.some((p) => p.line === 6 || p.line === 29)).toBe(false);
  });

  it("when a URL is on no configured host then it is a warning", async () => {
    const { problems } = await lintProject({ cwd: path.join(FIXTURES, "story"), parseCommand });
    expect(find(problems, "runbook-unknown-host")).toMatchObject([
      { file: "RUNBOOK.md", line: 27, column: 26, severity: "warning" },
    ]);
  });

  it("when a runbook command does not parse or names what does not exist then each is an error", async () => {
    const { problems } = await lintProject({ cwd: path.join(FIXTURES, "story"), parseCommand });
    const commands = find(problems, "runbook-command");
    const byLine = Object.fromEntries(commands.map((p) => [p.line, p.message]));
    expect(Object.keys(byLine).map(Number)).toEqual([21, 22, 23, 24]);
    expect(byLine[21]).toContain('names environment "qa"');
    expect(byLine[22]).toContain("missing required argument 'version'");
    expect(byLine[23]).toContain("unknown option '--envv'");
    expect(byLine[24]).toContain('names gate "gates/missing.yaml"');
    for (const p of commands) expect(p.severity).toBe("error");
  });

  it("when commands sit in YAML, after npx, across continuation lines or after a prompt then they are checked", async () => {
    const project = await runbookProject([
      "# Runbook",
      "",
      "```yaml",
      "      - run: npx shipgate rehearse --env prod",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
      '      - run: npx shipgate release "${{ inputs.version }}" --env production --yes',
      "```",
      "",
      "```console",
      "$ shipgate check \\",
      "    --env staging --frobnicate",
      "$ shipgate check health --env staging && echo done",
      "$ shipgate check",
      "$ shipgate lint --runbook RUNBOOK.md",
      "```",
      "",
    ]);
    const { problems } = await lintProject({ cwd: project.dir, parseCommand });
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [4, "runbook-command"],
      [9, "runbook-command"],
      [12, "runbook-command"],
    ]);
    expect(problems[0]!.message).toContain('names environment "prod"');
    expect(problems[1]!.message).toContain("unknown option '--frobnicate'");
    expect(problems[2]!.message).toContain("needs --env");
  });

  it("when prose holds shipgate commands in inline code then those with arguments are checked, and named commands must exist", async () => {
    const project = await runbookProject([
      "# Runbook",
      "",
      "Rehearse first with `shipgate rehearse --env production`, then release.",
      "The `shipgate release` command needs a version; `shipgate lint` needs nothing.",
      "Never `shipgate rehearse --env prod`, and `shipgate frobnicate` is gone.",
      "Write ``shipgate check health --env qa`` when in doubt.",
      "",
    ]);
    const { problems } = await lintProject({ cwd: project.dir, parseCommand });
    expect(problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [5, 8, "runbook-command"],
      [5, 44, "runbook-command"],
      [6, 9, "runbook-command"],
    ]);
    expect(problems[0]!.message).toContain('names environment "prod"');
    expect(problems[1]!.message).toBe("`shipgate frobnicate` names no shipgate command");
    expect(problems[2]!.message).toContain('names environment "qa"');
  });

  it("when a runbook command names another config with --config then it is checked against that config", async () => {
    const project = await makeProject({
      "shipgate.yaml": configYaml({ production: { api: "https://api.example.dev" } }),
      "gates/health.yaml":
        "name: health\nhost: api\nrequest: { path: /healthz }\nexpect: { status: 200 }\n",
      "ops/shipgate.yaml": configYaml({ qa: { api: "https://api.qa.example.dev" } }),
      "ops/gates/smoke.yaml":
        "name: smoke\nhost: api\nrequest: { path: /smoke }\nexpect: { status: 200 }\n",
      "RUNBOOK.md": [
        "```sh",
        "shipgate check smoke --config ops/shipgate.yaml --env qa",
        "shipgate check smoke --config ops/shipgate.yaml --env production",
        "shipgate check health --config ops/shipgate.yaml --env qa",
        "shipgate check --config missing/shipgate.yaml --env qa",
        "```",
        "",
      ].join("\n"),
    });
    projects.push(project);
    const { problems } = await lintProject({ cwd: project.dir, parseCommand });
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [3, "runbook-command"],
      [4, "runbook-command"],
      [5, "runbook-command"],
    ]);
    expect(problems[0]!.message).toContain(
      'names environment "production", which ops/shipgate.yaml',
    );
    expect(problems[1]!.message).toContain('names gate "health"');
    expect(problems[2]!.message).toContain(
      "names config missing/shipgate.yaml, which does not load",
    );
  });
});
