import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { configYaml, makeProject, type Project } from "../helpers/project.js";
import { json, selfTest, startServer, type TestServer } from "../helpers/server.js";

// Runs the built CLI: `npm run build` first.
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/lint");
let api: TestServer;
const projects: Project[] = [];

beforeAll(async () => {
  api = await startServer((_req, res) => json(res, selfTest()));
});

afterAll(async () => {
  await api?.close();
  for (const p of projects) await p.remove();
});

async function project(files: Record<string, string>): Promise<Project> {
  const p = await makeProject(files);
  projects.push(p);
  return p;
}

describe("shipgate lint", () => {
  it("when there are errors then every problem is printed with file:line:column and it exits 2", async () => {
    const r = await runCli(["lint"], { cwd: path.join(FIXTURES, "rules") });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      'gates/rules.yaml:6:1: expect: gate "accepts anything" has no assertion',
    );
    expect(r.stdout).toContain(
      "gates/rules.yaml:17:13: warning: expect.body[0].path: $.checks[21:27]",
    );
    expect(r.stdout).toContain(
      "shipgate.yaml:4:5: environments.production.hosts: protected environment production",
    );
    expect(r.stdout).toContain("shipgate lint: 4 errors, 1 warning");
    expect(r.stderr).toContain("runbook checks skipped: there is no RUNBOOK.md");
  });

  it("when the story's runbook calls the frontend then the error names the api host", async () => {
    const r = await runCli(["lint"], { cwd: path.join(FIXTURES, "story") });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      "RUNBOOK.md:12 calls https://example.dev/healthz/self-test but the gate docs-drift prongs runs on production's api host https://api.example.dev (column 11)",
    );
  });

  it("when --runbook names a clean file and only warnings remain then it exits 0", async () => {
    const p = await project({
      "shipgate.yaml": configYaml({ production: { api: "https://api.example.dev" } }),
      "gates/drift.yaml":
        "name: drift\nhost: api\nrequest: { path: /healthz }\nexpect:\n  status: 200\n  body:\n    - path: $.checks[0:3]\n      every: { ok: true }\n",
      "docs/release.md":
        "# Release\n\n```sh\nshipgate release 1.2.3\n```\n\nSee https://api.example.dev/healthz\n",
    });
    const r = await runCli(["lint", "--runbook", "docs/release.md"], { cwd: p.dir });
    expect(r.stdout).toContain("gates/drift.yaml:7:13: warning:");
    expect(r.stdout).toContain("shipgate lint: 0 errors, 1 warning: ok");
    expect(r.code).toBe(0);
  });
  it("when asked for json or github output then problems come as data and as annotations", async () => {
    const cwd = path.join(FIXTURES, "rules");
    const asJson = await runCli(["lint", "--reporter", "json"], { cwd });
    expect(asJson.code).toBe(2);
    const report = JSON.parse(asJson.stdout) as {
      ok: boolean;
      errors: number;
      warnings: number;
      problems: Array<{ code: string; line: number; severity: string }>;
    };
    expect(report).toMatchObject({ ok: false, errors: 4, warnings: 1 });
    expect(report.problems.map((p) => p.code).sort()).toEqual([
      "cannot-fail",
      "host-missing",
      "index-drift",
      "literal-credential",
      "protected-hosts",
    ]);

    const github = await runCli(["lint", "--reporter", "github"], { cwd });
    expect(github.stdout).toContain(
      "::warning file=gates/rules.yaml,line=17,col=13,title=shipgate lint%3A index-drift::",
    );
    expect(github.stdout).toContain("::error file=shipgate.yaml,line=4,col=5,");
  });
});

describe("shipgate lint --audit", () => {
  const config = () => configYaml({ production: { api: api.url } });

  it("when a gate cannot fail on a 500 then it is an error naming what stays green, exit 2", async () => {
    const p = await project({
      "shipgate.yaml": config(),
      "gates/weak.yaml":
        "name: weak\nhost: api\nrequest: { path: /healthz/self-test }\nexpect:\n  body:\n    - path: $.checks\n      exists: true\n",
    });
    const r = await runCli(["lint", "--audit", "--env", "production"], { cwd: p.dir });
    expect(r.stdout).toMatch(/^weak: caught \d+ of \d+ mutations$/m);
    expect(r.stdout).toContain("this gate stays green when the status is 500 with the same body");
    expect(r.stdout).toMatch(/gates\/weak\.yaml:1:1: gate "weak" cannot fail where it matters/);
    expect(r.code).toBe(2);
  });

  it("when every mutation is caught then it reports the count and exits 0", async () => {
    const p = await project({
      "shipgate.yaml": config(),
      "gates/good.yaml":
        "name: docs-drift prongs\nhost: api\nrequest: { path: /healthz/self-test }\nexpect:\n  status: 200\n  contentType: application/json\n  body:\n    - path: $.checks[21:27]\n      count: 6\n      every: { ok: true }\n",
    });
    const r = await runCli(["lint", "--audit", "--env", "production"], { cwd: p.dir });
    expect(r.stdout).toContain("docs-drift prongs: caught 8 of 8 mutations");
    expect(r.code).toBe(0);
  });

  it("when a gate is red on its real run then it is not audited and lint exits 1", async () => {
    const p = await project({
      "shipgate.yaml": config(),
      "gates/red.yaml":
        "name: red\nhost: api\nrequest: { path: /healthz/self-test }\nexpect:\n  status: 200\n  body:\n    - path: $.checks[3].ok\n      equals: false\n",
    });
    const r = await runCli(["lint", "--audit", "--env", "production"], { cwd: p.dir });
    expect(r.stdout).toMatch(/^red: not audited: its real run was red \(assertion: /m);
    expect(r.code).toBe(1);
  });

  it("when lint finds errors then --audit sends no request and exits 2", async () => {
    const before = api.requests.length;
    const p = await project({
      "shipgate.yaml": config(),
      "gates/anything.yaml":
        "name: anything\nhost: api\nrequest: { path: /healthz/self-test }\nexpect:\n  status: [1xx, 2xx, 3xx, 4xx, 5xx]\n",
    });
    const r = await runCli(["lint", "--audit", "--env", "production"], { cwd: p.dir });
    expect(r.stderr).toContain("--audit skipped: fix the errors first");
    expect(api.requests.length).toBe(before);
    expect(r.code).toBe(2);
  });
});
