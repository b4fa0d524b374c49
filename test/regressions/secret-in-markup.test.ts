import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { configYaml, makeProject, type Project } from "../helpers/project.js";
import { startServer, type TestServer } from "../helpers/server.js";

// A secret holding markup, echoed unescaped into an HTML error page, used to
// come out of tag stripping changed ("k3y v z") and so slip past redaction.
const SECRET = "k3y<b>v</b>z-9c1d";

let api: TestServer;
let project: Project;

beforeAll(async () => {
  api = await startServer((req, res) => {
    res.writeHead(500, { "content-type": "text/html" });
    res.end(
      `<html><head><title>Error</title></head><body><p>Bad token: ${req.headers.authorization}</p></body></html>`,
    );
  });
  project = await makeProject({
    "shipgate.yaml": configYaml({ staging: { api: api.url } }),
    "gates/g.yaml": `name: echo
host: api
request:
  path: /x
  headers: { Authorization: "Bearer {{env.TOKEN}}" }
expect:
  status: 200
  body:
    - path: $.ok
      equals: true
`,
  });
});

afterAll(async () => {
  await api.close();
  await project.remove();
});

describe("a secret with markup in it", () => {
  it("when a server echoes it into an HTML page, then no reporter prints any part of it", async () => {
    const result = await runCli(
      ["check", "--verbose", "--reporter", "human", "--reporter", "json"],
      {
        cwd: project.dir,
        env: { TOKEN: SECRET },
      },
    );
    expect(result.code).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toContain("Bad token: Bearer ***");
    for (const piece of ["k3y", "9c1d", "v z"]) expect(output).not.toContain(piece);
  });
});

describe("the gate summary", () => {
  it("when a whole-list check fails, then the summary does not call the selection ok", async () => {
    const { judgeAssertion } = await import("../../src/judge/assertions.js");
    const result = judgeAssertion(
      { path: "$.x", equals: 2, index: 0, position: { line: 1, column: 1 } },
      { x: 1 },
    );
    expect(result.failures).toHaveLength(1);
    expect(result.passed).toBe(0);
    expect(result.selected).toBe(1);
  });
});
