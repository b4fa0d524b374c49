import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { configYaml, makeProject, type Project } from "./helpers/project.js";
import { json, selfTest, startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let project: Project | undefined;

beforeAll(async () => {
  server = await startServer((_req, res) => json(res, selfTest()));
});
afterAll(async () => {
  await server?.close();
});
afterEach(async () => {
  await project?.remove();
  project = undefined;
  server.requests.length = 0;
});

const GOOD = `name: prongs
host: api
request:
  path: /healthz/self-test
expect:
  status: 200
  body:
    - path: $.checks[21:27]
      count: 6
      every: { ok: true }
`;

async function check(files: Record<string, string | Buffer>, args: string[] = []) {
  project = await makeProject({
    "shipgate.yaml": configYaml({ local: { api: server.url } }),
    ...files,
  });
  return runCli(["check", ...args], { cwd: project.dir });
}

describe("when a gate file is malformed, then check exits 2 with file:line:column and sends nothing", () => {
  it("then malformed YAML names its position", async () => {
    const res = await check({ "gates/bad.yaml": "name: x\nhost: api\nrequest: [\n  path: /a\n" });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/gates\/bad\.yaml:\d+:\d+: /);
    expect(server.requests).toEqual([]);
  });

  it("then misspelled keys in two files are all reported together, each with a suggestion", async () => {
    const res = await check({
      "gates/a.yaml": GOOD.replace("expect:", "expct:"),
      "gates/b.yaml": GOOD.replace("name: prongs", "name: other").replace("  body:", "  bdoy:"),
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      'gates/a.yaml:5:1: expct: unknown key "expct"; did you mean "expect"?',
    );
    expect(res.stderr).toMatch(
      /gates\/b\.yaml:7:3: expect\.bdoy: unknown key "bdoy"; did you mean "body"\?/,
    );
    expect(res.stderr).toMatch(/\d+ problems/);
    expect(server.requests).toEqual([]);
  });

  it("then a schema error in a later document of a file names that document's line", async () => {
    const res = await check({
      "gates/multi.yaml": `${GOOD}---\n${GOOD.replace("prongs", "two").replace("count: 6", "count: six")}`,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/gates\/multi\.yaml:20:\d+: expect\.body\[0\]\.count: /);
  });

  it("then a file that is not UTF-8 is refused with the position of the bad byte", async () => {
    const bytes = Buffer.concat([
      Buffer.from("name: prongs\nhost: api\n# caf"),
      Buffer.from([0xe9]),
      Buffer.from("\n"),
    ]);
    const res = await check({ "gates/latin1.yaml": bytes });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/gates\/latin1\.yaml:3:6: .*UTF-8/);
  });

  it("then nesting deeper than 64 levels is refused", async () => {
    const deep = `${"[".repeat(70)}1${"]".repeat(70)}`;
    const res = await check({
      "gates/deep.yaml": GOOD.replace("  path: /healthz/self-test", `  path: /x\n  json: ${deep}`),
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/gates\/deep\.yaml:\d+:\d+: .*64/);
    expect(server.requests).toEqual([]);
  });

  it("then a much deeper document is refused the same way, not a crash", async () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const res = await check({
      "gates/deeper.yaml": `name: x\nhost: api\nrequest:\n  json: ${deep}\n`,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/gates\/deeper\.yaml:\d+:\d+: .*64/);
    expect(res.stderr).not.toMatch(/internal error/);
  });

  it("then a key given twice is refused at the second one", async () => {
    const res = await check({
      "gates/dup.yaml": GOOD.replace("host: api", "host: api\nhost: web"),
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/gates\/dup\.yaml:3:1: /);
    expect(server.requests).toEqual([]);
  });

  it("then two gates with one name are refused", async () => {
    const res = await check({ "gates/a.yaml": GOOD, "gates/b.yaml": GOOD });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /gates\/b\.yaml:1:\d+: .*"prongs" is already used at gates\/a\.yaml:1/,
    );
  });

  it("then a gate file emptied to comments is refused, not skipped while the others run green", async () => {
    const res = await check({
      "gates/a.yaml": GOOD,
      "gates/empty.yaml": "# the gate used to be here\n",
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("gates/empty.yaml:1:1: holds no gate");
    expect(server.requests).toEqual([]);
  });

  it("then a count too large for a number is named as such, not as null", async () => {
    const res = await check({ "gates/a.yaml": GOOD.replace("count: 6", "count: 1e400") });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("Infinity");
    expect(res.stderr).not.toMatch(/got number null/);
  });
});

describe("when shipgate.yaml is misspelled", () => {
  it("then every unknown key is reported with its position and a suggestion", async () => {
    const config = `${configYaml({ local: { api: server.url } })}defaults:\n  timout: 5s\nrelease:\n  brnach: main\n`;
    const res = await check({ "shipgate.yaml": config, "gates/a.yaml": GOOD });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/shipgate\.yaml:6:3: defaults\.timout: .*did you mean "timeout"/);
    expect(res.stderr).toMatch(/shipgate\.yaml:8:3: release\.brnach: .*did you mean "branch"/);
    expect(server.requests).toEqual([]);
  });
});

describe("when environments are chosen", () => {
  const two = configYaml({ staging: { api: "http://127.0.0.1:9" }, local: { api: "http://x" } });

  it("then --env is required with several environments", async () => {
    const res = await check({ "shipgate.yaml": two, "gates/a.yaml": GOOD });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--env");
  });

  it("then an unknown --env is refused, listing the known ones", async () => {
    const res = await check({ "shipgate.yaml": two, "gates/a.yaml": GOOD }, ["--env", "prod"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/shipgate\.yaml:\d+:\d+: .*"prod".*staging, local/);
  });

  it("then a gate whose host key an applicable environment lacks is refused", async () => {
    const res = await check({ "gates/a.yaml": GOOD.replace("host: api", "host: web") });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/gates\/a\.yaml:2:\d+: .*"web".*environments\.local\.hosts/);
    expect(server.requests).toEqual([]);
  });

  it("then a gate for another environment is skipped, not refused", async () => {
    const res = await check({
      "gates/a.yaml": GOOD,
      "gates/b.yaml": GOOD.replace(
        "name: prongs",
        "name: elsewhere\nenvironments: [staging]",
      ).replace("host: api", "host: web"),
    });
    expect(res.code).toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});

describe("when a template can never resolve", () => {
  it("then an unset {{env.NAME}} exits 2 as template before any request", async () => {
    const res = await check({
      "gates/a.yaml": GOOD,
      "gates/b.yaml": GOOD.replace("name: prongs", "name: secret").replace(
        "  path: /healthz/self-test",
        '  path: /healthz/self-test\n  headers:\n    Authorization: "Bearer {{env.SHIPGATE_TEST_UNSET}}"',
      ),
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/gates\/b\.yaml:\d+:\d+: .*\{\{env\.SHIPGATE_TEST_UNSET\}\}/);
    expect(server.requests).toEqual([]);
  });

  it("then a capture no earlier step makes exits 2 before any request", async () => {
    const flow = `name: flow
host: api
steps:
  - request: { path: "/items/{{id}}" }
    expect: { status: 200 }
  - request: { path: /healthz/self-test }
    capture: { id: "$.checks[0].name" }
`;
    const res = await check({ "gates/a.yaml": GOOD, "gates/flow.yaml": flow });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/gates\/flow\.yaml:\d+:\d+: .*\{\{id\}\}/);
    expect(server.requests).toEqual([]);
  });
});
