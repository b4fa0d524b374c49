import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { configYaml, makeProject, type Project } from "../helpers/project.js";
import { startServer, type TestServer } from "../helpers/server.js";

// Characters that XML, Markdown and GitHub's workflow commands each escape differently.
const SECRET = "tok&en<1>:a,b%25\"q'";

const GATE = `name: echoes the token
host: api
request:
  path: /echo
  headers:
    Authorization: "Bearer {{env.SELFTEST_TOKEN}}"
expect:
  status: 200
`;

describe("secrets in CI reports", () => {
  let server: TestServer;
  let project: Project;

  beforeAll(async () => {
    // A careless server that puts the credential it got into its error page.
    server = await startServer((req, res) => {
      res.writeHead(500, { "content-type": "text/plain", "x-request-id": "r-1" });
      res.end(`unauthorised: ${req.headers.authorization}`);
    });
    project = await makeProject({
      "shipgate.yaml": configYaml({ local: { api: server.url } }),
      "gates/echo.yaml": GATE,
    });
  });
  afterAll(async () => {
    await server?.close();
    await project?.remove();
  });

  it("when a response echoes a secret then no reporter writes it in any escaped form", async () => {
    const summary = await project.write("summary.md", "");
    const result = await runCli(
      ["check", "--reporter", "human", "--reporter", "github", "--reporter", "junit=out/gates.xml"],
      { cwd: project.dir, env: { SELFTEST_TOKEN: SECRET, GITHUB_STEP_SUMMARY: summary } },
    );
    expect(result.code).toBe(1);
    const xml = await readFile(path.join(project.dir, "out/gates.xml"), "utf8");
    const markdown = await readFile(summary, "utf8");
    // The excerpt is there, masked.
    expect(xml).toContain("unauthorised: Bearer ***");
    expect(result.stdout).toContain("unauthorised: Bearer ***");
    for (const text of [result.stdout, result.stderr, xml, markdown]) {
      expect(text).not.toContain("tok&");
      expect(text).not.toContain("tok&amp;");
      expect(text).not.toContain("en&lt;1");
      expect(text).not.toContain("en<1>");
      expect(text).not.toContain("a%2Cb");
    }
  });
});
