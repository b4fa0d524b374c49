import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditReport, auditRun } from "../../src/audit/audit.js";
import { check } from "../../src/core/check.js";
import { configYaml, makeProject, type Project } from "../helpers/project.js";
import { json, selfTest, startServer, type TestServer } from "../helpers/server.js";

let api: TestServer;
const projects: Project[] = [];

beforeAll(async () => {
  api = await startServer((req, res, body) => {
    if (req.url?.startsWith("/queues") && req.method === "POST") json(res, { id: "q-1" }, 201);
    else if (req.url?.startsWith("/queues/q-1")) json(res, { id: "q-1", depth: 0, ok: true });
    else if (req.url?.startsWith("/broken")) json(res, { error: "down" }, 503);
    else if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><html><head><title>Home</title></head><body>Hello</body></html>");
    } else if (req.url?.startsWith("/echo/")) json(res, { name: req.url.slice(6), ok: true });
    else if (req.url === "/messages" && req.method === "POST")
      json(res, { text: JSON.parse(body).text, ok: true }, 201);
    else json(res, selfTest());
  });
});

afterAll(async () => {
  await api?.close();
  for (const p of projects) await p.remove();
});

/** Runs one gate for real against the loopback API and audits it. */
async function audit(
  gate: string,
  files: Record<string, string> = {},
): Promise<AuditReport["gates"][number] & { lines: string[] }> {
  const project = await makeProject({
    "shipgate.yaml": configYaml({ production: { api: api.url } }),
    "gates/gate.yaml": gate,
    ...files,
  });
  projects.push(project);
  const { plan, run } = await check({ cwd: project.dir });
  const report = auditRun(plan, run);
  expect(report.gates).toHaveLength(1);
  return { ...report.gates[0]!, lines: report.lines };
}

describe("auditRun", () => {
  it("when a gate asserts only that a field exists then a 500 stays green and the gate is fatal", async () => {
    const result = await audit(`name: exists only
host: api
request: { path: /healthz/self-test }
expect:
  body:
    - path: $.checks
      exists: true
`);
    expect(result.fatal).toBe(true);
    expect(result.survivors).toContain("the status is 500 with the same body");
    expect(result.caught).toBeLessThan(result.total);
    expect(result.lines[0]).toBe(
      `exists only: caught ${result.caught} of ${result.total} mutations`,
    );
    expect(result.lines).toContain(
      "  this gate stays green when the status is 500 with the same body",
    );
  });

  it("when a gate checks every item but no status then a 500 with the same body stays green", async () => {
    const result = await audit(`name: every without status
host: api
request: { path: /healthz/self-test }
expect:
  body:
    - path: $.checks[*]
      every: { ok: true }
`);
    expect(result.fatal).toBe(true);
    expect(result.survivors).toContain("the status is 500 with the same body");
    // The HTML pages are caught: body assertions expect JSON.
    expect(result.survivors).not.toContain("the status is 500 with an HTML error page");
    expect(result.survivors).not.toContain("the response is a 200 HTML page");
  });

  it("when a gate's selection may be empty then emptying it stays green and the gate is fatal", async () => {
    const result = await audit(`name: no failing check
host: api
request: { path: /healthz/self-test }
expect:
  status: 200
  contentType: application/json
  body:
    - path: $.checks[?@.ok == false]
      count: 0
`);
    expect(result.fatal).toBe(true);
    expect(result.survivors).toContain("$.checks[?@.ok == false] selects nothing");
    expect(result.survivors).not.toContain("the status is 500 with the same body");
  });

  it("when a gate is well written then it catches every mutation", async () => {
    const result = await audit(`name: docs-drift prongs
host: api
request: { path: /healthz/self-test }
expect:
  status: 200
  contentType: application/json
  body:
    - path: $.checks[21:27]
      count: 6
      every: { ok: true }
`);
    expect(result).toMatchObject({ fatal: false, survivors: [], caught: 8, total: 8 });
    expect(result.lines).toEqual(["docs-drift prongs: caught 8 of 8 mutations"]);
  });

  it("when a gate only needs some item to be ok then it names the change it misses", async () => {
    const result = await audit(`name: some prong
host: api
request: { path: /healthz/self-test }
expect:
  status: 200
  contentType: application/json
  body:
    - path: $.checks[21:27]
      count: 6
      some: { ok: true }
`);
    expect(result.fatal).toBe(false);
    expect(result.survivors).toEqual(["checks[21].ok is false"]);
    expect(result.lines).toContain("  this gate stays green when checks[21].ok is false");
  });

  it("when a count is not pinned then removing an item stays green but is not fatal", async () => {
    const result = await audit(`name: unpinned
host: api
request: { path: /healthz/self-test }
expect:
  status: 200
  contentType: application/json
  body:
    - path: $.checks[*]
      every: { ok: true }
`);
    expect(result.survivors).toEqual(["checks[0] is missing"]);
    expect(result.fatal).toBe(false);
  });

  it("when the gate's real run was red then it is reported as not audited, not as fatal", async () => {
    const result = await audit(`name: broken
host: api
request: { path: /broken }
expect:
  status: 200
`);
    expect(result.fatal).toBe(false);
    expect(result.total).toBe(0);
    expect(result.notAudited).toContain("red");
    expect(result.lines[0]).toMatch(
      /^broken: not audited: its real run was red \(status: status 503/,
    );
  });

  it("when a flow has several steps then each step with an expect is audited", async () => {
    const result = await audit(`name: queue flow
host: api
steps:
  - name: create
    request: { method: POST, path: /queues, json: { name: "t-{{run.id}}" } }
    expect: { status: 201 }
    capture: { id: $.id }
  - name: read
    request: { path: "/queues/{{id}}" }
    expect:
      status: 200
      body:
        - path: $.id
          equals: "{{id}}"
        - path: $.ok
          equals: true
`);
    // create: five response mutations; read: five plus three for each of two assertions.
    expect(result.total).toBe(5 + 5 + 6);
    // A step that checks only its 201 stays green on an empty body or {}; step 2 catches all.
    expect(result.survivors).toEqual([
      "step 1 (create): the body is empty",
      "step 1 (create): the body is {}",
    ]);
    expect(result.fatal).toBe(false);
  });

  // The audit judges the expectation exactly as the run filled it, wherever {{run.id}} was.
  it.each([
    [
      "in the URL too",
      `name: run id
host: api
steps:
  - request: { path: "/echo/t-{{run.id}}" }
    expect:
      status: 200
      contentType: application/json
      body:
        - path: $.name
          equals: "t-{{run.id}}"
`,
    ],
    [
      "only in the request body",
      `name: message round trip
host: api
request:
  method: POST
  path: /messages
  json: { text: "hello {{run.id}}" }
expect:
  status: 201
  contentType: application/json
  body:
    - path: $.text
      equals: "hello {{run.id}}"
`,
    ],
  ])("when an expected value holds {{run.id}}, %s, then the step is audited", async (_, gate) => {
    const result = await audit(gate);
    expect(result.notAudited).toBeUndefined();
    expect(result).toMatchObject({ caught: 8, total: 8, survivors: [], fatal: false });
  });

  it("when a frontend gate expects an HTML page then a 200 HTML page is not held against it", async () => {
    const result = await audit(`name: homepage
host: api
request: { path: / }
expect:
  status: 200
  contentType: text/html
`);
    expect(result.survivors).toEqual(["the body is empty", "the body is {}"]);
    expect(result).toMatchObject({ caught: 2, total: 4, fatal: false });
  });

  it("when a gate has a JSON Schema then mutations are judged with that schema's validator", async () => {
    const result = await audit(
      `name: with schema
host: api
request: { path: /healthz/self-test }
expect:
  status: 200
  contentType: application/json
  schema: ../schemas/self-test.json
  body:
    - path: $.checks
      count: 27
`,
      { "schemas/self-test.json": '{ "type": "object", "required": ["checks"] }' },
    );
    // The schema rejects {} and the count a missing item; neither looks at ok.
    expect(result.survivors).toEqual(["checks[0].ok is false"]);
    expect(result.fatal).toBe(false);
  });
});
